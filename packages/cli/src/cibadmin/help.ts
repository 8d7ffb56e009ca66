export const HELP = `cibadmin - query and edit the cluster configuration (CIB)

Usage: cibadmin <command> [options]

Commands:
 -Q, --query            Query the contents of the CIB
 -E, --erase            Erase the contents of the whole CIB (requires --force)
 -B, --bump             Increase the CIB's epoch value by 1
 -C, --create           Create an object in the CIB (fails if it already exists)
 -M, --modify           Find an object by tag and id and update it (-c creates it if missing)
 -R, --replace          Recursively replace an object, a section or the whole CIB
 -P, --patch            Apply a format-2 XML diff (crm_diff -o OLD -n NEW) made from this CIB's version
 -D, --delete           Delete the first object matching the supplied XML (tag and all attributes)
 -d, --delete-all       Like -D, but with --xpath delete every match (requires --force)
 -5, --md5-sum          Calculate the on-disk CIB digest of the supplied XML
 -a, --empty[=SCHEMA]   Output an empty CIB (validate-with SCHEMA, pacemaker-3.9 by default)
 -u, --upgrade          Move a pacemaker-3.x CIB to pacemaker-3.9, raising admin_epoch (requires --force)

Data:
 -x, --xml-file=FILE    Read XML from FILE
 -X, --xml-text=XML     Read XML from the argument
 -p, --xml-pipe         Read XML from standard input

Options:
 -o, --scope=SECTION    Limit to a section: configuration, nodes, resources, constraints,
                        crm_config, rsc_defaults, op_defaults, status
 -A, --xpath=XPATH      Operate on the elements XPATH selects (absolute or relative paths, //,
                        [@attr='v'], [@attr], [n], [last()], and/or/not, starts-with, contains)
 -e, --node-path        With -Q --xpath, print the path of each match instead of its XML
 -n, --no-children      With -Q, print matches without their children
 -f, --force            Needed for --erase
 -c, --allow-create     With -M, create the object when it does not exist
 -l, --local, -s, --sync-call, -t, --timeout   Accepted for compatibility
 -V, --verbose          Print one line per changed element on stderr
 -?, --help             This text
 -$, --version          Version information

Environment:
 CIB_file=PATH          Work on the CIB in PATH instead of the running cluster

Examples:
 Edit the configuration safely: query, edit, replace. The replace is refused if the CIB
 changed since the query ("Update was older than existing configuration"):
   cibadmin -Q > tmp.xml
   vi tmp.xml
   cibadmin -R -x tmp.xml

 Show the nodes section:
   cibadmin -Q -o nodes

 Show one node, or where every pingd attribute lives:
   cibadmin -Q --xpath "//node[@uname='alpha']"
   cibadmin -Q --xpath "//nvpair[@name='pingd']" --node-path

 Add a resource, change it, delete it:
   cibadmin -C -o resources -X '<primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>'
   cibadmin -M -X '<primitive id="d1" description="test"/>'
   cibadmin -D -X '<primitive id="d1"/>'

 Delete every expired move/ban constraint of a resource:
   cibadmin -D -d --xpath "//rsc_location[starts-with(@id,'cli-ban-vip-')]"

 Erase the configuration (keeps nothing):
   cibadmin -E --force
`;
