/**
 * What hbx's schema expects of each element, in words, to complete libxml2's terse messages
 * ("Element primitive failed to validate attributes"). Kept beside schemas/cib.rng's rules.
 */

const RESOURCE_CHILDREN = "<primitive>, <group>, <clone>, <master>, <master_slave>, <template> or <bundle>";

/** Required attributes (or the alternative forms) of an element. */
export const REQUIRED: Readonly<Record<string, string>> = {
  cib: "a <configuration> element, optionally followed by <status>",
  primitive: "attributes id and type (optionally class and provider), or id and template",
  template: "attributes id and type (optionally class and provider)",
  group: "attribute id",
  clone: "attribute id",
  master: "attribute id",
  master_slave: "attribute id",
  bundle: "attribute id",
  node: "attribute id",
  op: "attribute name",
  nvpair: "attribute name (or id-ref)",
  expression: "attributes attribute and operation",
  date_expression: "attribute operation",
  resource_ref: "attribute id",
  rsc_location: "attributes id and rsc (or rsc-pattern), or id and <resource_set> children",
  rsc_colocation:
    "attributes id, rsc and with-rsc (Heartbeat v2: from and to), or id and <resource_set> children",
  rsc_order: "attributes id, first and then (Heartbeat v2: from and to), or id and <resource_set> children",
  rsc_ticket: "attributes id, ticket and rsc, or id, ticket and <resource_set> children",
};

/**
 * Attribute combinations that satisfy the schema, for elements whose attribute rules libxml2
 * sometimes reports without a line: the element of that name lacking all of them is the culprit.
 */
export const ATTRIBUTE_FORMS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  primitive: [
    ["id", "type"],
    ["id", "template"],
  ],
  template: [["id", "type"]],
  group: [["id"]],
  clone: [["id"]],
  master: [["id"]],
  master_slave: [["id"]],
  bundle: [["id"]],
  node: [["id"]],
  op: [["name"]],
  nvpair: [["name"], ["id-ref"]],
  expression: [["attribute", "operation"]],
  resource_ref: [["id"]],
  rsc_colocation: [["id", "rsc", "with-rsc"], ["id", "from", "to"], ["id"]],
  rsc_order: [["id", "first", "then"], ["id", "from", "to"], ["id"]],
  rsc_location: [["id", "rsc"], ["id", "rsc-pattern"], ["id"]],
  rsc_ticket: [["id", "ticket"]],
};

const NVSET_CHILDREN = "<nvpair>, <rule> or <attributes>";

/** The children an element may hold. */
export const CHILDREN: Readonly<Record<string, string>> = {
  cib: "<configuration> then optionally <status>",
  configuration:
    "<crm_config>, <nodes>, <resources>, <constraints>, <rsc_defaults>, <op_defaults>, <fencing-topology>, <acls>, <alerts> or <tags>",
  crm_config: "<cluster_property_set>",
  nodes: "<node>",
  node: "<instance_attributes>, <meta_attributes> or <utilization>",
  resources: RESOURCE_CHILDREN,
  primitive: "<instance_attributes>, <meta_attributes>, <utilization>, <operations> or <description>",
  template: "<instance_attributes>, <meta_attributes>, <utilization>, <operations> or <description>",
  group: "<primitive>, <instance_attributes>, <meta_attributes> or <description>",
  clone: "one <primitive> or <group>, and <instance_attributes>/<meta_attributes>",
  master: "one <primitive> or <group>, and <instance_attributes>/<meta_attributes>",
  master_slave: "one <primitive> or <group>, and <instance_attributes>/<meta_attributes>",
  bundle: "<docker>, <rkt>, <podman>, <network>, <storage>, <primitive> or <meta_attributes>",
  operations: "<op>",
  op: "<instance_attributes> or <meta_attributes>",
  instance_attributes: NVSET_CHILDREN,
  meta_attributes: NVSET_CHILDREN,
  utilization: NVSET_CHILDREN,
  cluster_property_set: NVSET_CHILDREN,
  attributes: "<nvpair>",
  rule: "<expression>, <date_expression>, <rule>, <rsc_expression> or <op_expression>",
  constraints: "<rsc_location>, <rsc_colocation>, <rsc_order> or <rsc_ticket>",
  rsc_location: "<rule> or <resource_set>",
  rsc_colocation: "<resource_set>",
  rsc_order: "<resource_set>",
  rsc_ticket: "<resource_set>",
  resource_set: "<resource_ref>",
  rsc_defaults: "<meta_attributes>",
  op_defaults: "<meta_attributes>",
};

/** Turn libxml2's message about `element` (child of `parent`) into "what was expected". */
export function expectationFor(
  message: string,
  element: string,
  parent: string | undefined,
): string | undefined {
  if (
    /failed to validate attributes|Invalid attribute|Expecting an element resource_set, got nothing/.test(
      message,
    )
  ) {
    return REQUIRED[element];
  }
  if (/Did not expect element|Extra element|extra content/.test(message)) {
    if (element === "status" && parent === "cib") return REQUIRED.cib;
    return parent && CHILDREN[parent] ? `${CHILDREN[parent]} inside <${parent}>` : undefined;
  }
  if (/Expecting an element (\S+), got nothing/.test(message)) return REQUIRED[element] ?? CHILDREN[element];
  if (/failed to validate content/.test(message)) return CHILDREN[element];
  return undefined;
}
