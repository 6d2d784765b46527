export { createController, type Controller, type ControllerOptions, type Handler, type HandlerContext, type ConfirmOptions } from './controller.js';
export { registerCoreHandlers, focusNextPane, type CoreDeps } from './core.js';
export { registerVmActions, describeTargets, type VmVerb, type VmActionRunner, type VmActionOutcome, type VmActionDeps } from './vm-actions.js';
export { registerCustomCommands, type CustomDef, type CustomRunner } from './custom.js';
export { startCominWatch, type CominDeps } from './comin.js';
export { plugins, type Plugin, type PluginContext } from './plugins.js';
export { registerShell, shellArgv, hostSshArgs, type ShellDeps } from './shell.js';
