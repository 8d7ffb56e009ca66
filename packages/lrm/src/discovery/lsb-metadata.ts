import { readFileSync } from "node:fs";

/** XML-escape as libxml2's xmlEncodeEntitiesReentrant does for text (&, <, >, and CR). */
function xmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

const KEYS = [
  "Provides",
  "Required-Start",
  "Required-Stop",
  "Should-Start",
  "Should-Stop",
  "Default-Start",
  "Default-Stop",
  "Short-Description",
] as const;

/**
 * Meta-data for an LSB init script, made from its "### BEGIN INIT INFO" block the way
 * Pacemaker makes it (values keep their spacing and line end; Description may continue on
 * lines starting "#  " or "#\t"), so crm_resource --show-metadata lsb:X prints the same.
 */
export function lsbMetadata(type: string, scriptPath: string): string {
  const lines = readFileSync(scriptPath, "latin1").split(/(?<=\n)/);
  const values = new Map<string, string>();
  let description: string | undefined;
  let inHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("### BEGIN INIT INFO")) {
      inHeader = true;
      continue;
    }
    if (!inHeader) continue;
    const key = KEYS.find((k) => line.startsWith(`# ${k}:`));
    if (key !== undefined) {
      if (!values.has(key)) {
        values.set(key, xmlText(line.slice(key.length + 3)));
        continue;
      }
    }
    if (description === undefined && line.startsWith("# Description:")) {
      let text = line.slice("# Description:".length);
      let j = i + 1;
      while (j < lines.length && (lines[j].startsWith("#  ") || lines[j].startsWith("#\t")))
        text += lines[j++].slice(1);
      description = xmlText(text);
      i = j - 1;
      continue;
    }
    if (line.startsWith("### END INIT INFO") || !line.startsWith("#")) break;
  }
  const v = (k: string): string => values.get(k) ?? "";
  return (
    `<?xml version='1.0'?>\n` +
    `<!DOCTYPE resource-agent SYSTEM 'ra-api-1.dtd'>\n` +
    `<resource-agent name='${type}' version='0.1'>\n` +
    `  <version>1.0</version>\n` +
    `  <longdesc lang='en'>\n${description ?? type}  </longdesc>\n` +
    `  <shortdesc lang='en'>${values.get("Short-Description") ?? type}</shortdesc>\n` +
    `  <parameters>\n  </parameters>\n` +
    `  <actions>\n` +
    `    <action name='meta-data'    timeout='5' />\n` +
    `    <action name='start'        timeout='15' />\n` +
    `    <action name='stop'         timeout='15' />\n` +
    `    <action name='status'       timeout='15' />\n` +
    `    <action name='restart'      timeout='15' />\n` +
    `    <action name='force-reload' timeout='15' />\n` +
    `    <action name='monitor'      timeout='15' interval='15' />\n` +
    `  </actions>\n` +
    `  <special tag='LSB'>\n` +
    KEYS.slice(0, 7)
      .map((k) => `    <${k}>${v(k)}</${k}>\n`)
      .join("") +
    `  </special>\n` +
    `</resource-agent>\n`
  );
}
