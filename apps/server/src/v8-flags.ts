import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the server runs with. They are per process, so they are set here before the server's
 * threads start (a worker's own options cannot carry V8 flags), and apply to all of them.
 *
 * Allocation-site pretenuring: when most objects from one allocation site have survived a
 * collection (a batch of events under evaluation, say), V8 may allocate everything from that
 * site straight into the old generation from then on. Ingest's per-event objects die within
 * their batch, so that turns cheap young garbage into old garbage, collected only by full
 * collections. Measured at 10,000 events/s with the full rule corpus, one run in three had the
 * detection thread's heap grow by ~6 MB/s until a full collection (peak RSS 544 MB against
 * 406–435 MB); at full speed with detection on, peak RSS fell from 651–768 MB to 558–580 MB
 * without it, and CPU per event by ~10%.
 */
export function applyV8Flags(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
