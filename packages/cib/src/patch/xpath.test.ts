import { describe, expect, it } from "vitest";
import { parseXml } from "../xml/parse.js";
import { XPathError, compileXPath, evaluateXPath, nodePath } from "./xpath.js";

const doc = parseXml(`<cib epoch="3">
  <configuration>
    <nodes><node id="1" uname="alpha"/><node id="2" uname="beta"/><node id="3" uname="gamma"/></nodes>
    <resources>
      <primitive id="vip" class="ocf" type="IPaddr2">
        <instance_attributes id="vip-ia"><nvpair id="vip-ia-ip" name="ip" value="10.0.0.1"/></instance_attributes>
      </primitive>
      <group id="web"><primitive id="fs" class="ocf" type="Dummy"/><primitive id="nginx" class="lsb" type="nginx"/></group>
    </resources>
  </configuration>
  <status><node_state id="1" uname="alpha"><transient_attributes id="1"><instance_attributes id="status-1">
    <nvpair id="status-1-fail-count-db#monitor_10000" name="fail-count-db#monitor_10000" value="2"/>
    <nvpair id="status-1-pingd" name="pingd" value="1"/>
  </instance_attributes></transient_attributes></node_state></status>
</cib>`);

const ids = (x: string) => evaluateXPath(doc, x).map((e) => e.attrs.id ?? e.name);

describe("xpath subset", () => {
  it("follows an absolute path from the document root", () => {
    expect(ids("/cib/configuration/nodes/node")).toEqual(["1", "2", "3"]);
    expect(ids("/configuration")).toEqual([]);
  });
  it("finds descendants anywhere with //", () => {
    expect(ids("//primitive")).toEqual(["vip", "fs", "nginx"]);
    expect(ids("//group/primitive")).toEqual(["fs", "nginx"]);
    expect(ids("/cib//nvpair")).toEqual([
      "vip-ia-ip",
      "status-1-fail-count-db#monitor_10000",
      "status-1-pingd",
    ]);
  });
  it("filters on attribute values, presence and inequality", () => {
    expect(ids("//node[@uname='beta']")).toEqual(["2"]);
    expect(ids('//node[@uname="gamma"]')).toEqual(["3"]);
    expect(ids("//primitive[@class!='ocf']")).toEqual(["nginx"]);
    expect(ids("//*[@uname]")).toEqual(["1", "2", "3", "1"]);
  });
  it("combines predicates with and, or, not", () => {
    expect(ids("//primitive[@class='ocf' and @type='Dummy']")).toEqual(["fs"]);
    expect(ids("//primitive[@id='vip' or @id='nginx']")).toEqual(["vip", "nginx"]);
    expect(ids("//primitive[not(@class='ocf')]")).toEqual(["nginx"]);
  });
  it("selects by position within each parent, and last()", () => {
    expect(ids("//nodes/node[2]")).toEqual(["2"]);
    expect(ids("//node[last()]")).toEqual(["3"]);
    expect(ids("//primitive[1]")).toEqual(["vip", "fs"]);
    expect(ids("//node[position()<3]")).toEqual(["1", "2"]);
  });
  it("supports starts-with and contains, as crm_failcount's query uses", () => {
    expect(
      ids(
        "/cib/status/node_state[@uname='alpha']/transient_attributes/instance_attributes/nvpair[starts-with(@name,'fail-count-db#')]",
      ),
    ).toEqual(["status-1-fail-count-db#monitor_10000"]);
    expect(ids("//nvpair[contains(@name,'ping')]")).toEqual(["status-1-pingd"]);
  });
  it("tests child paths in predicates, walks up with .., and unions with |", () => {
    expect(ids("//primitive[instance_attributes/nvpair[@name='ip']]")).toEqual(["vip"]);
    expect(ids("//nvpair[@name='ip']/../..")).toEqual(["vip"]);
    expect(ids("//group | //node[@id='1']")).toEqual(["1", "web"]);
  });
  it("returns nothing, not an error, for a path that matches nothing", () => {
    expect(ids("//rsc_location[@id='zz']")).toEqual([]);
  });
  it("rejects malformed expressions with the offending position", () => {
    expect(() => compileXPath("//node[@uname='a'")).toThrow(XPathError);
    expect(() => compileXPath("//node[@uname='a")).toThrow(/unterminated/);
    expect(() => compileXPath("//node[frob()]")).toThrow(
      "unsupported function frob(); supported: position(), last(), name(), not(), starts-with(), contains()",
    );
    expect(() => compileXPath("")).toThrow(/empty/);
  });
  it("reads the long forms child::, self::, parent:: and attribute:: as their abbreviations", () => {
    expect(ids("/child::cib/child::configuration/child::nodes/child::node[attribute::uname='beta']")).toEqual(
      ["2"],
    );
    expect(ids("//primitive/parent::group")).toEqual(["web"]);
    expect(ids("//primitive/parent::*")).toEqual(["resources", "web"]);
    expect(ids("//primitive[@type='Dummy']/self::node()")).toEqual(["fs"]);
    expect(ids("//*[@class]/self::primitive[attribute::*='lsb']")).toEqual(["nginx"]);
    expect(ids("//primitive/parent::resources/child::*")).toEqual(["vip", "web"]);
  });
  it("refuses an axis it does not have, naming it and what is supported, instead of matching nothing", () => {
    expect(() => compileXPath("//primitive[@id='fs']/ancestor::group")).toThrow(
      "invalid XPath '//primitive[@id='fs']/ancestor::group' at character 23: the axis 'ancestor::' is not supported; supported: child::, self::, parent::, attribute:: in predicates, and the abbreviations /, //, ., .., @",
    );
    for (const axis of ["following-sibling", "preceding", "descendant", "ancestor-or-self"])
      expect(() => compileXPath(`//node/${axis}::node`)).toThrow(`the axis '${axis}::' is not supported`);
    expect(() => compileXPath("//node/sibling::node")).toThrow("the axis 'sibling::' is not an XPath axis");
    expect(() => compileXPath("//node/child::")).toThrow(
      "expected an element name, '*' or node() after 'child::'",
    );
  });
  it("prints Pacemaker's node path of an element", () => {
    const [el] = evaluateXPath(doc, "//nvpair[@name='pingd']");
    expect(nodePath(doc, el)).toBe(
      "/cib/status/node_state[@id='1']/transient_attributes[@id='1']/instance_attributes[@id='status-1']/nvpair[@id='status-1-pingd']",
    );
  });
});
