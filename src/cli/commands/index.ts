/**
 * Every command, as one module that main imports once the command line
 * asks for more than `--help` or `--version`. One dynamic import rather
 * than one per command: the bundle splits shared code by which dynamic
 * imports reach it, and a split per command left the TUI's start-up ~60
 * files to resolve, read and link, half of them under 2 KB. Large libraries
 * (Ink, ssh2, inquirer, yaml) stay behind their own imports.
 */
export { demo } from './demo.js';
export { deployHeadless } from './deploy.js';
export { doctor } from './doctor.js';
export { exportLog } from './export.js';
export { fleetHeadless } from './fleet.js';
export { fleetTui } from './fleet-tui.js';
export { history } from './history.js';
export { init } from './init.js';
export { monitor } from './monitor.js';
export { recover } from './recover.js';
export { resumeHeadless } from './resume.js';
export { rollbackHeadless } from './rollback.js';
export { sudoers } from './sudoers.js';
export { verify } from './verify.js';
export { printPlan } from '../plan.js';
export { fleetChosen } from '../fleet-session.js';
export { setHostTrustPolicy } from '../../transport/trust.js';
export { cliTrustPolicy } from '../../init/prompts.js';
export { isInteractive } from '../../screens/app/terminal.js';
export { runTui } from '../../screens/app/run.js';
export { StateLost } from '../../state/store.js';
export { deploymentInHand } from '../../engine/deployment.js';
