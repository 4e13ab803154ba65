// Every command the extension registers, as package.json declares them. The entry registers these
// ids at activation (each loads the rest of the extension on first use); createCommands must give
// a handler for exactly these (its type says so), and the suite checks them against package.json.
export const COMMAND_IDS = [
  'memoryTriage.selectContext',
  'memoryTriage.showLog',
  'memoryTriage.selectNamespace',
  'memoryTriage.setLabelSelector',
  'memoryTriage.refresh',
  'memoryTriage.showHotPodsOnly',
  'memoryTriage.showAllPods',
  'memoryTriage.checkPodMemory',
  'memoryTriage.findOomKilled',
  'memoryTriage.verifyRecovery',
  'memoryTriage.copyKubectlCommand',
  'memoryTriage.revealPod',
  'memoryTriage.showTrend',
  'memoryTriage.selectPrometheus',
  'memoryTriage.setPrometheusCredentials',
  'memoryTriage.findLeakingLines',
  'memoryTriage.captureHeapSnapshot',
  'memoryTriage.openLeakLocation',
  'memoryTriage.clearMemoryAnnotations',
  'memoryTriage.saveAllocationReport',
  'memoryTriage.openAllocationReport',
  'memoryTriage.openHeapFile',
  'memoryTriage.checkDbConnections',
  'memoryTriage.showPreviousLogs',
  'memoryTriage.showEvents',
  'memoryTriage.restartWorkload',
  'memoryTriage.createAlertRules',
  'memoryTriage.startIncident',
  'memoryTriage.endIncident',
  'memoryTriage.writeIncidentReport',
  'memoryTriage.raiseMemoryLimit',
  'memoryTriage.scaleOut',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
