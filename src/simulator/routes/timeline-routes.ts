import { simulatorRoute, SEGMENT, type Route, type SimulatorState } from './route';

/**
 * Not Graph: a read-only view of every change to users' effective licenses, and the losses among them,
 * so an out-of-process test can prove nobody lost a license. Served under /_simulator/.
 */
export function timelineRoutes({ directory }: SimulatorState): Route[] {
  return [
    simulatorRoute('GET', '/licenseTimeline', () => ({ value: directory.timeline.all() })),
    simulatorRoute('GET', `/licenseTimeline/${SEGMENT}`, (context) => ({
      value: directory.timeline.forUser(directory.requireUser(context.params[0]).id),
    })),
    simulatorRoute('GET', '/licenseLosses', () => ({
      value: directory.timeline.losses(directory.skus),
    })),
  ];
}
