// The ids package.json gives the Pods view and the trend panel: the light entry registers them
// (view, webview serializer) at activation, the rest of the extension fills them in.
export const POD_VIEW_ID = 'memoryTriage.pods';
export const TREND_VIEW_TYPE = 'memoryTriage.trend';
