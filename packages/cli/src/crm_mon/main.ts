import { runMain } from "../common/io.js";
import { processHost } from "./refresh.js";
import { run } from "./run.js";

runMain((argv, io) => run(argv, io, processHost()));
