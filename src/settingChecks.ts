// What a setting's value must be to be used; anything else (a string typed into settings.json for
// a number, NaN, a negative interval) falls back to the declared default. No vscode import, so
// the checks are unit tested.
export type SettingCheck<T> = (value: unknown) => value is T;

/** A finite number above zero: a NaN or 0 interval would poll in a tight loop. */
export const isPositiveNumber: SettingCheck<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Without a check of its own a value must be of its default's kind (a finite number for a number). */
export function sameKindAs<T>(defaultValue: T): SettingCheck<T> {
  if (typeof defaultValue === 'number') return (v): v is T => typeof v === 'number' && Number.isFinite(v);
  if (Array.isArray(defaultValue)) return (v): v is T => Array.isArray(v);
  if (typeof defaultValue === 'object' && defaultValue !== null) return (v): v is T => typeof v === 'object' && v !== null && !Array.isArray(v);
  return (v): v is T => typeof v === typeof defaultValue;
}

/** Any value the user wrote (the reader sorts it out, as path mappings and the DB ports do). */
export const anyValue: SettingCheck<unknown> = (v): v is unknown => v !== undefined;

/** The value when it passes its check, else the default. */
export function checkedSetting<T>(value: unknown, defaultValue: T, check: SettingCheck<T>): T {
  return check(value) ? value : defaultValue;
}
