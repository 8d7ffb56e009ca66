import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import {
  type CibStore,
  type XmlElement,
  assertWritableCib,
  compareVersions,
  formatVersion,
  readVersion,
} from "@hbx/cib";

/**
 * `<ha-dir>/cib.xml` at start: taken when it is newer than the store and passes the same checks
 * as a client's write. An invalid file is never taken: the store's version stays and the error
 * (file:line, element) is logged; with nothing stored yet there is nothing to run, so hbxd
 * refuses to start with that error instead of running an empty cluster.
 */
export async function loadInitialCib(store: CibStore, file: string, log: Logger): Promise<void> {
  let doc: XmlElement;
  try {
    doc = await assertWritableCib(readFileSync(file, "utf8"), file, { since: store.current().document });
  } catch (e) {
    const message = (e as Error).message;
    if (compareVersions(store.currentVersion(), { adminEpoch: 0, epoch: 0, numUpdates: 0 }) === 0)
      throw new Error(`${file} is not a valid CIB, not loaded: ${message}`);
    log.error(
      { file, err: message, kept: formatVersion(store.currentVersion()) },
      `${file} is not a valid CIB, not loaded (keeping stored version ${formatVersion(store.currentVersion())}): ${message}`,
    );
    return;
  }
  if (compareVersions(readVersion(doc), store.currentVersion()) > 0)
    store.replace(doc, { client: "hbxd", operation: "load " + file, force: true });
}
