import { runMain } from "../common/io.js";
import { run } from "./run.js";

runMain(run);
