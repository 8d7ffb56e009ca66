import { runDemo } from "./demo.js";

// `npm run demo`: a narrated tour of a local 3-node cluster. --crm-only shows just the CRM part.
const interrupted = new Promise<string>((resolve) => {
  process.once("SIGINT", () => resolve("SIGINT"));
  process.once("SIGTERM", () => resolve("SIGTERM"));
});
const code = await runDemo(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  env: process.env,
  interrupted,
});
process.exit(code);
