/**
 * The configuration of the Heartbeat v2 scoring story, shared by the tests that tell it: mysql
 * prefers mysql1 (200) over mysql2 (150), default stickiness 100, failure stickiness -100, in
 * Heartbeat v2's spelling (the <attributes> wrapper, underscore names).
 */
export const STORY_CONFIGURATION = `  <configuration>
    <crm_config><cluster_property_set id="opts"><attributes>
      <nvpair id="o1" name="stonith-enabled" value="false"/>
      <nvpair id="o2" name="default_resource_stickiness" value="100"/>
      <nvpair id="o3" name="default_resource_failure_stickiness" value="-100"/>
    </attributes></cluster_property_set></crm_config>
    <nodes><node id="mysql1" uname="mysql1" type="normal"/><node id="mysql2" uname="mysql2" type="normal"/></nodes>
    <resources><primitive id="mysql" class="lsb" type="mysql">
      <operations><op id="mysql_mon" name="monitor" interval="10s" timeout="20s"/></operations>
    </primitive></resources>
    <constraints>
      <rsc_location id="prefer-1" rsc="mysql" node="mysql1" score="200"/>
      <rsc_location id="prefer-2" rsc="mysql" node="mysql2" score="150"/>
    </constraints>
  </configuration>
`;
