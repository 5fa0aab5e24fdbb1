// Profile teardown moved to tools/profile.ts (the launcher's); these names stay importable from here.
export { chromiumProcessGroup, removeProfile, waitForProcessGroupExit } from '../tools/profile';
