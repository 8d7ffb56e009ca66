import { describe } from "vitest";
import { runCrmAttribute, runCrmFailcount, runCrmStandby } from "@hbx/cli";
import { differential } from "./differential.js";

describe("crm_attribute against Pacemaker 2.1.5's", () => {
  const T = "crm_attribute";
  differential(runCrmAttribute, [
    { name: "set a new cluster option", tool: T, args: ["-n", "foo", "-v", "bar"], stdout: "exact" },
    { name: "query a cluster option", tool: T, args: ["-n", "stonith-enabled", "-G"], stdout: "exact" },
    { name: "query quietly", tool: T, args: ["-n", "stonith-enabled", "-G", "-q"], stdout: "exact" },
    {
      name: "update a cluster option",
      tool: T,
      args: ["--name", "stonith-enabled", "--update", "true"],
      stdout: "exact",
    },
    { name: "query a missing option", tool: T, args: ["-n", "nope", "-G"], stdout: "exact" },
    {
      name: "query a missing option with a default",
      tool: T,
      args: ["-n", "nope", "-G", "-d", "5"],
      stdout: "exact",
    },
    { name: "delete a cluster option", tool: T, args: ["-n", "cluster-name", "-D"], stdout: "exact" },
    { name: "delete a missing option", tool: T, args: ["-n", "nope", "-D"], stdout: "exact" },
    {
      name: "query a node attribute",
      tool: T,
      args: ["-n", "rack", "-G", "-t", "nodes", "-N", "beta"],
      stdout: "exact",
    },
    {
      name: "set a node attribute where none exist",
      tool: T,
      args: ["-n", "rack", "-v", "r9", "-t", "nodes", "-N", "alpha"],
      stdout: "exact",
    },
    {
      name: "update a node attribute (-N implies nodes)",
      tool: T,
      args: ["-n", "rack", "-v", "r3", "-N", "beta"],
      stdout: "exact",
    },
    { name: "delete a node attribute", tool: T, args: ["-n", "rack", "-D", "-N", "beta"], stdout: "exact" },
    {
      name: "query a transient attribute",
      tool: T,
      args: ["-n", "pingd", "-G", "-t", "status", "-N", "alpha"],
      stdout: "exact",
    },
    {
      name: "update a transient attribute",
      tool: T,
      args: ["-n", "pingd", "-v", "5", "-l", "reboot", "-N", "beta"],
      stdout: "exact",
    },
    {
      name: "add a transient attribute to a node without any",
      tool: T,
      args: ["-n", "pingd", "-v", "0", "-l", "reboot", "-N", "gamma"],
      stdout: "exact",
    },
    {
      name: "delete a transient attribute",
      tool: T,
      args: ["-n", "pingd", "-D", "-l", "reboot", "-N", "beta"],
      stdout: "exact",
    },
    { name: "query on an unknown node", tool: T, args: ["-n", "rack", "-G", "-N", "nope"], stdout: "exact" },
    {
      name: "Heartbeat's -U uname",
      tool: T,
      args: ["-n", "rack", "-G", "-U", "beta"],
      pacemakerArgs: ["-n", "rack", "-G", "-N", "beta"],
      stdout: "exact",
    },
  ]);
});

describe("crm_standby against Pacemaker 2.1.5's", () => {
  const T = "crm_standby";
  differential(runCrmStandby, [
    { name: "put a node in standby", tool: T, args: ["-v", "on", "-N", "beta"], stdout: "exact" },
    { name: "take a node out of standby", tool: T, args: ["-v", "off", "-N", "gamma"], stdout: "exact" },
    { name: "query a node never in standby", tool: T, args: ["-G", "-N", "beta"], stdout: "exact" },
    { name: "query with the default command", tool: T, args: ["-N", "alpha"], stdout: "exact" },
    { name: "delete when unset", tool: T, args: ["-D", "-N", "beta"], stdout: "exact" },
    {
      name: "standby until reboot",
      tool: T,
      args: ["-v", "on", "-N", "alpha", "-l", "reboot"],
      stdout: "exact",
    },
  ]);
});

describe("crm_failcount against Pacemaker 2.1.5's", () => {
  const T = "crm_failcount";
  differential(runCrmFailcount, [
    {
      name: "sum of all operations' counts",
      tool: T,
      args: ["-G", "-r", "db", "-N", "alpha"],
      stdout: "exact",
    },
    {
      name: "one operation's count",
      tool: T,
      args: ["-G", "-r", "db", "-N", "alpha", "-n", "monitor", "-I", "10s"],
      stdout: "exact",
    },
    {
      name: "interval in milliseconds",
      tool: T,
      args: ["--query", "-r", "db", "--node", "alpha", "-n", "monitor", "-I", "10000ms"],
      stdout: "exact",
    },
    {
      name: "a resource that never failed",
      tool: T,
      args: ["-G", "-r", "vip", "-N", "alpha"],
      stdout: "exact",
    },
    { name: "quiet", tool: T, args: ["-G", "-r", "db", "-N", "alpha", "-q"], stdout: "exact" },
    { name: "Heartbeat's -U uname", tool: T, args: ["-G", "-r", "db", "-U", "alpha"], stdout: "exact" },
    { name: "without a node", tool: T, args: ["-G", "-r", "db"] },
    { name: "without a command", tool: T, args: ["-r", "db", "-N", "alpha"] },
  ]);
});
