import {
  type CibVersion,
  type XmlElement,
  cibDigest,
  cibFileDigest,
  cloneElement,
  element,
  readVersion,
  serializeXml,
} from "@hbx/cib";
import { type OptionSpec, commonOptions } from "../common/args.js";
import { agentProblems } from "../common/agent-checks.js";
import { openCibSource } from "../common/cib-source.js";
import { commitCib } from "../common/commit.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { readXmlInput, runParsedTool } from "../common/tool.js";
import { XPathError, compileXPath, evaluateXPath, nodePath, parentOf } from "@hbx/cib";
import {
  createObject,
  deleteObject,
  emptyCibSections,
  eraseCib,
  modifyObject,
  replaceObject,
  scopeElement,
} from "./operations.js";
import { HELP } from "./help.js";
import { applyPatch } from "./patch.js";
import { LATEST_SCHEMA, upgradeCib } from "./upgrade.js";

const TOOL = "cibadmin";

export const OPTIONS: OptionSpec[] = [
  ...commonOptions.filter((o) => o.key !== "quiet" && o.key !== "output-as"),
  { key: "query", short: "Q", long: ["query"] },
  { key: "erase", short: "E", long: ["erase"] },
  { key: "bump", short: "B", long: ["bump"] },
  { key: "create", short: "C", long: ["create"] },
  { key: "modify", short: "M", long: ["modify"] },
  { key: "patch", short: "P", long: ["patch"] },
  { key: "replace", short: "R", long: ["replace"] },
  { key: "delete", short: "D", long: ["delete"] },
  { key: "delete-all", short: "d", long: ["delete-all"] },
  { key: "empty", short: "a", long: ["empty"], arg: "optional" },
  { key: "md5", short: "5", long: ["md5-sum"] },
  { key: "md5v", short: "6", long: ["md5-sum-versioned"] },
  { key: "upgrade", short: "u", long: ["upgrade"] },
  { key: "scope", short: "o", long: ["scope", "obj_type"], arg: "required" },
  { key: "xpath", short: "A", long: ["xpath"], arg: "required" },
  { key: "node-path", short: "e", long: ["node-path"] },
  { key: "xml-file", short: "x", long: ["xml-file"], arg: "required" },
  { key: "xml-text", short: "X", long: ["xml-text"], arg: "required" },
  { key: "xml-pipe", short: "p", long: ["xml-pipe"] },
  { key: "force", short: "f", long: ["force"] },
  { key: "local", short: "l", long: ["local"] },
  { key: "sync", short: "s", long: ["sync-call"] },
  { key: "timeout", short: "t", long: ["timeout"], arg: "required" },
  { key: "allow-create", short: "c", long: ["allow-create"] },
  { key: "no-children", short: "n", long: ["no-children"] },
  { key: "no-bcast", short: "b", long: ["no-bcast"] },
  { key: "user", short: "U", long: ["user"], arg: "required" },
  { key: "show-access", short: "S", long: ["show-access"], arg: "optional" },
];

const COMMANDS = [
  "query",
  "erase",
  "bump",
  "create",
  "modify",
  "patch",
  "replace",
  "delete",
  // -d alone is a command too: -D that removes every --xpath match, and always needs --force.
  "delete-all",
  "empty",
  "md5",
  "md5v",
  "upgrade",
];

export async function run(argv: string[], io: CliIo): Promise<number> {
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    const commands = COMMANDS.filter((c) => args.has(c));
    if (commands.length === 0) {
      throw new CliError(
        CrmExit.USAGE,
        `${TOOL}: no command given (one of -Q -C -M -R -D -d -E -B -5); see --help`,
      );
    }
    const last = commands[commands.length - 1];
    const command = last === "delete-all" ? "delete" : last;
    const verbose = args.count("verbose");
    const scope = args.get("scope");
    const input = () =>
      readXmlInput(io, {
        file: args.get("xml-file"),
        text: args.get("xml-text"),
        stdin: args.has("xml-pipe"),
      });

    if (command === "md5" || command === "md5v") {
      const { el } = await input();
      // -5 is the cib.xml.sig digest; -6 the versioned on-the-wire one.
      io.stdout(`${command === "md5" ? cibFileDigest(el) : cibDigest(el)}\n`);
      return CrmExit.OK;
    }
    if (command === "empty") {
      io.stdout(serializeXml(emptyCib(args.get("empty") || LATEST_SCHEMA), { pretty: true }));
      return CrmExit.OK;
    }
    if (command === "upgrade") {
      if (!args.has("force")) throw dangerous();
      const source = openCibSource(io);
      const before = await source.read();
      await commitCib(source, before, upgradeCib(before), { io, verbose, bump: true });
      return CrmExit.OK;
    }

    const source = openCibSource(io);
    const before = await source.read();
    const compile = (x: string) => {
      try {
        return compileXPath(x);
      } catch (e) {
        if (e instanceof XPathError) throw new CliError(CrmExit.INVALID_PARAM, `${TOOL}: ${e.message}`);
        throw e;
      }
    };

    if (command === "query") {
      const xpath = args.get("xpath");
      let result: XmlElement[];
      if (xpath !== undefined) {
        result = evaluateXPath(before, compile(xpath));
        if (result.length === 0) {
          throw new CliError(
            CrmExit.NOSUCH,
            `Call failed: No such device or address (xpath '${xpath}' matched nothing)`,
          );
        }
        if (args.has("node-path")) {
          for (const el of result) io.stdout(`${nodePath(before, el)}\n`);
          return CrmExit.OK;
        }
      } else result = [scopeElement(before, scope)!];
      const shown = result.map((el) => (args.has("no-children") ? { ...el, children: [] } : el));
      const out =
        shown.length === 1
          ? shown[0]
          : element(
              "xpath-query",
              {},
              shown.map((e) => cloneElement(e)),
            );
      io.stdout(serializeXml(out, { pretty: true }));
      return CrmExit.OK;
    }

    let after = cloneElement(before);
    // A whole <cib> goes to a live cluster as a compare-and-swap on the version it carries.
    let replacing: CibVersion | undefined;
    switch (command) {
      case "patch":
        after = applyPatch(before, (await input()).el);
        break;
      case "erase":
        if (!args.has("force")) throw dangerous();
        after = eraseCib(before);
        break;
      case "bump":
        await commitCib(source, before, after, { io, verbose, bump: true });
        return CrmExit.OK;
      case "create":
        createObject(after, (await input()).el, scope);
        break;
      case "modify":
        modifyObject(after, (await input()).el, scope, args.has("allow-create"));
        break;
      case "replace": {
        const obj = (await input()).el;
        after = replaceObject(before, obj, scope, args.has("force"));
        if (obj.name === "cib") replacing = readVersion(obj);
        break;
      }
      case "delete": {
        if (args.has("delete-all") && !args.has("force")) throw dangerous();
        const xpath = args.get("xpath");
        if (xpath !== undefined) {
          const matches = evaluateXPath(after, compile(xpath));
          const victims = args.has("delete-all") ? matches : matches.slice(0, 1);
          if (victims.length === 0) {
            // Pacemaker exits 0 here; say why nothing happened rather than stay silent.
            io.stderr(`${TOOL}: xpath '${xpath}' matched nothing; the CIB is unchanged\n`);
            return CrmExit.OK;
          }
          for (const v of victims) {
            const parent = parentOf(after, v);
            if (!parent)
              throw new CliError(CrmExit.INVALID_PARAM, `${TOOL}: refusing to delete the <cib> root`);
            parent.children.splice(parent.children.indexOf(v), 1);
          }
        } else {
          const obj = (await input()).el;
          if (!deleteObject(after, obj, scope)) {
            const id = obj.attrs.id !== undefined ? ` id="${obj.attrs.id}"` : "";
            io.stderr(`${TOOL}: no <${obj.name}${id}> matching all given attributes; the CIB is unchanged\n`);
            return CrmExit.OK;
          }
        }
        break;
      }
    }
    const written = await commitCib(source, before, after, {
      io,
      verbose,
      replace: replacing,
      force: args.has("force"),
    });
    // Only a warning: the agent may be installed on the node that will run the resource.
    if (written)
      for (const p of agentProblems(after, { since: before })) io.stderr(`warning: ${p.message}\n`);
    return CrmExit.OK;
  });
}

function dangerous(): CliError {
  return new CliError(
    CrmExit.UNSAFE,
    "The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, the --force flag is required in order to proceed.",
  );
}

/** `cibadmin -a [SCHEMA]`: an empty CIB that names SCHEMA (the newest by default). */
function emptyCib(schema: string): XmlElement {
  return element(
    "cib",
    { crm_feature_set: "3.16.1", "validate-with": schema, epoch: 1, num_updates: 0, admin_epoch: 0 },
    emptyCibSections(),
  );
}
