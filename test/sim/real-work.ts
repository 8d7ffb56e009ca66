/**
 * The one piece of CRM work that is not on the (fake) clock: schema validation of a client's
 * write runs real libxml2 in a worker thread. To keep a seed replayable it is given a fixed
 * virtual duration longer than one simulator step, and the simulator waits (in real time) for
 * every validation in flight before it lets virtual time pass: so a validation's outcome is
 * always known when its virtual deadline comes, whatever the machine's speed.
 */
export const VALIDATION_VIRTUAL_MS = 150;

const inFlight = new Set<Promise<unknown>>();
let deferring = false;

/** While false (a node starting, awaited with the clock stopped) validations are not deferred. */
export function deferValidations(on: boolean): void {
  deferring = on;
}

export function deferToVirtualTime<T>(real: Promise<T>): Promise<T> {
  if (!deferring) return real;
  let done = false;
  const settled = real.then(
    () => void (done = true),
    () => void (done = true),
  );
  inFlight.add(settled);
  void settled.then(() => inFlight.delete(settled));
  return new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      // Cannot happen while the simulator waits for realWorkDone() before each step.
      if (!done) throw new Error("a validation's virtual deadline came before its real answer");
      real.then(resolve, reject);
    }, VALIDATION_VIRTUAL_MS),
  );
}

/** Wait (real time) until every deferred validation has its answer. */
export async function realWorkDone(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/** Read by the test's node:crypto stand-in: the DC's UUIDs numbered from 1 in every seed. */
export const uuidCounter = { next: 0 };
