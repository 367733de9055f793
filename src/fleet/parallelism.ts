/** How many hosts prepare (phase 1), resume or begin at once; also how many a fleet's doctor, plan and monitor read at once. */
export const FLEET_PARALLELISM = 4;
