// The syntax apimachinery v0.33 checks names, label keys and label values against
// (pkg/util/validation), with its messages word for word: label selectors and metadata
// validation both answer with them.

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${qualifiedNameFmt})?`;
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const whole = (fmt: string) => new RegExp(`^${fmt}$`);
const maxLen = (n: number) => `must be no more than ${n} characters`;

/** Go's validation.RegexError, two spaces before each "or" included. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export function dnsSubdomainErrors(value: string): string[] {
  const errs = value.length > 253 ? [maxLen(253)] : [];
  if (!whole(dns1123SubdomainFmt).test(value)) errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function dnsLabelErrors(value: string): string[] {
  const errs = value.length > 63 ? [maxLen(63)] : [];
  if (whole(dns1123LabelFmt).test(value)) return errs;
  errs.push(whole(dns1123SubdomainFmt).test(value) ? 'must not contain dots' : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, 'my-name', '123-abc'));
  return errs;
}

export function dns1035LabelErrors(value: string): string[] {
  const errs = value.length > 63 ? [maxLen(63)] : [];
  if (!whole(dns1035LabelFmt).test(value)) errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

/** validation.IsQualifiedName: a label key, an annotation key. */
export function qualifiedNameErrors(value: string): string[] {
  const qualifiedMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  const parts = value.split('/');
  if (parts.length > 2) return [`a qualified name ${regexError(qualifiedMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  const errs: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (!parts[0]) errs.push('prefix part must be non-empty');
    else errs.push(...dnsSubdomainErrors(parts[0]).map((m) => `prefix part ${m}`));
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!whole(qualifiedNameFmt).test(name)) errs.push(`name part ${regexError(qualifiedMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** validation.IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs = value.length > 63 ? [maxLen(63)] : [];
  if (!whole(labelValueFmt).test(value)) errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** A field.Error line: `path: Invalid value: "v": detail`. */
export const invalidValue = (path: string, value: string, detail: string) => `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
