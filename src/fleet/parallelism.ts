/** How many hosts prepare (phase 1), resume or begin at once; also how many a fleet's doctor, plan and recover read at once (monitor watches every host at once). */
export const FLEET_PARALLELISM = 4;
