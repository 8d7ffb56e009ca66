import { describe } from "vitest";
import { runCrmResource } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText } from "./harness.js";

const T = "crm_resource";

/** The fixture after `--move -r vip -N beta` and `--ban -r vip -N gamma`. */
const withCliConstraints = fixtureText().replace(
  "</constraints>",
  '<rsc_location id="cli-prefer-vip" rsc="vip" role="Started" node="beta" score="INFINITY"/><rsc_location id="cli-ban-vip-on-gamma" rsc="vip" role="Started" node="gamma" score="-INFINITY"/></constraints>',
);

describe("crm_resource against Pacemaker 2.1.5's", () => {
  differential(runCrmResource, [
    { name: "list (Heartbeat -L)", tool: T, args: ["-L"], stdout: "exact" },
    { name: "list (--list)", tool: T, args: ["--list"], stdout: "exact" },
    { name: "list raw", tool: T, args: ["-l"], stdout: "exact" },
    { name: "locate a primitive (Heartbeat -W -r)", tool: T, args: ["-W", "-r", "vip"], stdout: "exact" },
    { name: "locate a group", tool: T, args: ["--locate", "-r", "web"], stdout: "exact" },
    { name: "locate a clone", tool: T, args: ["-W", "-r", "ping-clone"], stdout: "lines" },
    { name: "locate an unknown resource", tool: T, args: ["-W", "-r", "nope"] },
    {
      name: "stop with Heartbeat's target_role",
      tool: T,
      args: ["-r", "vip", "-p", "target_role", "-v", "stopped"],
      stdout: "exact",
    },
    {
      name: "start with Heartbeat's target_role",
      tool: T,
      args: ["-r", "fs", "-p", "target_role", "-v", "started"],
      stdout: "exact",
    },
    {
      name: "target-role as a meta attribute",
      tool: T,
      args: ["-r", "vip", "--meta", "-p", "target-role", "-v", "Stopped"],
      stdout: "exact",
    },
    {
      name: "query XML (Heartbeat -x -r is 2.1's -q -r)",
      tool: T,
      args: ["-x", "-r", "vip"],
      pacemakerArgs: ["-q", "-r", "vip"],
      stdout: "exact",
    },
    { name: "query XML of a group", tool: T, args: ["--query-xml", "-r", "web"], stdout: "exact" },
    {
      name: "move to a node (Heartbeat -M -r -H)",
      tool: T,
      args: ["-M", "-r", "vip", "-H", "beta"],
      stdout: "exact",
    },
    { name: "move away from the current node (-M -r)", tool: T, args: ["-M", "-r", "vip"], stdout: "exact" },
    { name: "move to where it already runs", tool: T, args: ["-M", "-r", "vip", "-H", "alpha"] },
    { name: "move a clone", tool: T, args: ["--move", "-r", "ping-clone", "-N", "alpha"] },
    {
      name: "move with a lifetime",
      tool: T,
      args: ["--move", "-r", "vip", "-N", "beta", "--lifetime", "PT1H"],
    },
    { name: "ban from a node", tool: T, args: ["--ban", "-r", "vip", "-N", "beta"], stdout: "exact" },
    { name: "ban from the current node", tool: T, args: ["--ban", "-r", "web"], stdout: "exact" },
    {
      name: "ban with a lifetime",
      tool: T,
      args: ["--ban", "-r", "vip", "-N", "gamma", "--lifetime", "PT90M"],
    },
    { name: "ban in the promoted role", tool: T, args: ["--ban", "-r", "vip", "-N", "beta", "--promoted"] },
    {
      name: "clear when nothing to clear (Heartbeat -U -r)",
      tool: T,
      args: ["-U", "-r", "vip"],
      stdout: "exact",
    },
    { name: "delete a primitive nothing refers to", tool: T, args: ["-D", "-r", "nginx", "-t", "primitive"] },
    { name: "delete a group that constraints name", tool: T, args: ["-D", "-r", "web", "-t", "group"] },
    { name: "delete with the wrong type", tool: T, args: ["-D", "-r", "vip", "-t", "group"] },
    { name: "delete an unknown resource", tool: T, args: ["-D", "-r", "nope", "-t", "primitive"] },
    {
      name: "unmanage (Heartbeat is_managed off)",
      tool: T,
      args: ["-p", "is_managed", "-r", "vip", "-t", "primitive", "-v", "off"],
      stdout: "exact",
    },
    {
      name: "manage again (is_managed on)",
      tool: T,
      args: ["-p", "is_managed", "-r", "fs", "-t", "primitive", "-v", "on"],
      stdout: "exact",
    },
    {
      name: "update an existing meta attribute",
      tool: T,
      args: ["-p", "is-managed", "-r", "db", "--meta", "-v", "false"],
      stdout: "exact",
    },
    { name: "get a parameter (-g)", tool: T, args: ["-g", "ip", "-r", "vip"], stdout: "exact" },
    { name: "get a missing parameter", tool: T, args: ["-g", "nope", "-r", "vip"], stdout: "exact" },
    {
      name: "get a meta parameter",
      tool: T,
      args: ["--get-parameter", "is-managed", "--meta", "-r", "db"],
      stdout: "exact",
    },
    { name: "get a parameter of an unknown resource", tool: T, args: ["-g", "ip", "-r", "nope"] },
    {
      name: "set a parameter (-p -v)",
      tool: T,
      args: ["-p", "ip", "-r", "vip", "-v", "10.0.0.1"],
      stdout: "exact",
    },
    {
      name: "set a new parameter",
      tool: T,
      args: ["--set-parameter", "nic", "-r", "vip", "--parameter-value", "eth1"],
      stdout: "exact",
    },
    {
      name: "set a meta attribute on a group",
      tool: T,
      args: ["--set-parameter", "resource-stickiness", "--meta", "-r", "web", "-v", "5"],
      stdout: "exact",
    },
    { name: "delete a parameter (-d)", tool: T, args: ["-d", "ip", "-r", "vip"], stdout: "exact" },
    {
      name: "delete a missing parameter",
      tool: T,
      args: ["--delete-parameter", "nope", "-r", "vip"],
      stdout: "exact",
    },
    {
      name: "delete a meta parameter",
      tool: T,
      args: ["--delete-parameter", "is-managed", "--meta", "-r", "db"],
      stdout: "exact",
    },
    { name: "why", tool: T, args: ["--why", "-r", "db"], stdout: "exact" },
    { name: "constraints of a group", tool: T, args: ["--constraints", "-r", "web"], stdout: "exact" },
    { name: "constraints of a colocation target", tool: T, args: ["-a", "-r", "vip"], stdout: "exact" },
    { name: "an unknown option", tool: T, args: ["--frobnicate"] },
    {
      name: "clear every move and ban",
      tool: T,
      args: ["-U", "-r", "vip"],
      cib: withCliConstraints,
      stdout: "exact",
    },
    {
      name: "clear the ban on one node",
      tool: T,
      args: ["--clear", "-r", "vip", "-N", "gamma"],
      cib: withCliConstraints,
      stdout: "exact",
    },
    {
      name: "clear for a node the move is not for",
      tool: T,
      args: ["--clear", "-r", "vip", "-N", "alpha"],
      cib: withCliConstraints,
      stdout: "exact",
    },
    {
      name: "move onto a node it was banned from",
      tool: T,
      args: ["-M", "-r", "vip", "-N", "gamma"],
      cib: withCliConstraints,
      stdout: "exact",
    },
    { name: "move a clone without a node", tool: T, args: ["-M", "-r", "ping-clone"] },
    {
      name: "ban a stopped resource without a node",
      tool: T,
      args: ["--ban", "-r", "nginx"],
      cib: fixtureText().replace(/<lrm_resource id="nginx"[\s\S]*?<\/lrm_resource>/, ""),
    },
    { name: "locate as XML", tool: T, args: ["-W", "-r", "vip", "--output-as", "xml"], stdout: "xml" },
    {
      name: "locate a clone as XML",
      tool: T,
      args: ["--locate", "-r", "web", "--output-as=xml"],
      stdout: "xml",
    },
    {
      name: "get a parameter as XML",
      tool: T,
      args: ["-g", "ip", "-r", "vip", "--output-as", "xml"],
      stdout: "xml",
    },
    {
      name: "an unknown resource as XML",
      tool: T,
      args: ["-W", "-r", "nope", "--output-as", "xml"],
      stdout: "xml",
    },
  ]);
});
