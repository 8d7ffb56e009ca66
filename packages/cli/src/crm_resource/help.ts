export const HELP = `Usage:
  crm_resource <query>|<command> [options]

crm_resource - perform tasks related to cluster resources

Queries:
 -L, --list                 List all cluster resources with status
 -l, --list-raw             List IDs of all instantiated resources
 -O, --list-operations      List the operations since each resource last started (with -r, -N)
 -o, --list-all-operations  List every recorded operation (with -r, -N)
 -q, --query-xml            Show XML configuration of resource (Heartbeat v2: -x)
 -g, --get-parameter=PARAM  Display named parameter (instance attribute unless --meta/--utilization)
 -W, --locate               Show node(s) currently running resource
 -a, --constraints          Display the location and colocation constraints of a resource
 -Y, --why                  Show why resources are or are not running (with -r and/or -N)

Commands:
 -p, --set-parameter=PARAM  Set named parameter (requires -v)
 -d, --delete-parameter=PARAM  Delete named parameter
 -C, --cleanup              Clear failures and their history (optionally -r, -N/-H, -n, -I)
 -R, --refresh              Delete history so the current state is re-checked (Heartbeat v2: -P)
 -D, --delete               Delete a resource from the CIB (requires -t primitive|group|clone)

Locations:
 -M, --move                 Move to --node (cli-prefer-RSC), or ban the current node (cli-ban-RSC-on-NODE)
 -B, --ban                  Keep the resource off --node (default: where it runs)
 -U, --clear                Remove the constraints --move and --ban created (Heartbeat v2: un-migrate)
 -u, --lifetime=DURATION    ISO 8601 duration (PT1H) after which --move/--ban expire
 -e, --expired              With --clear, only constraints whose lifetime has expired
 --promoted                 Limit --move/--ban/--clear to the promoted role

Agents (on this node, bypassing the cluster):
 --force-start, --force-stop, --force-promote, --force-demote, --force-check[=LEVEL],
 --validate[=LEVEL]
 --list-standards, --list-ocf-providers, --list-agents=STD:PROV, --show-metadata=SPEC

Options:
 -r, --resource=ID          Resource ID
 -N, --node=NAME            Node name (Heartbeat v2: -H, --host-uname)
 -t, --resource-type=TYPE   Resource XML element (primitive, group, clone) with -D
 -v, --parameter-value=V    Value to use with -p
 -m, --meta                 Use meta attributes with -p/-g/-d
 -z, --utilization          Use utilization attributes with -p/-g/-d
 -n, --operation, -I, --interval   Limit --cleanup to one operation
 -f, --force                Override safety checks
 -Q, --quiet                Print only what was asked for
 -V, --verbose              Print one line per changed element on stderr
 --output-as=FORMAT         text (default) or xml
 -?, --help, -$, --version

Environment:
 CIB_file=PATH              Work on the CIB in PATH instead of the running cluster

Examples (the Heartbeat v2 forms work as they always did):
 crm_resource -L                                   list resources and their state
 crm_resource -W -r my_first_ip                    where is it running?
 crm_resource -r my_first_ip -p target_role -v stopped    stop it (Heartbeat v2 spelling)
 crm_resource -r my_first_ip --meta -p target-role -v Stopped   the same, Pacemaker's spelling
 crm_resource -x -r my_first_ip                    show its XML (also -q)
 crm_resource -M -r my_first_ip -H c001n02         move it to c001n02
 crm_resource -M -r my_first_ip                    move it away from where it runs
 crm_resource -U -r my_first_ip                    let it go back (remove move/ban constraints)
 crm_resource --move -r vip -N beta --lifetime PT1H   move for one hour
 crm_resource --ban -r vip -N beta                 keep it off beta
 crm_resource -D -r my_first_ip -t primitive       delete it
 crm_resource -p is_managed -r my_first_ip -t primitive -v off   stop managing it
 crm_resource -C -H c001n02 -r my_first_ip         clean up its failures on c001n02
 crm_resource -P -H c001n02                        re-probe everything on c001n02
 crm_resource -g ip -r my_first_ip                 read a parameter
 crm_resource -d ip -r my_first_ip                 delete a parameter
 crm_resource --set-parameter ip -v 10.0.0.9 -r vip    set a parameter
 crm_resource --why -r vip                         why is it (not) running?
 crm_resource --constraints -r web                 constraints that place it
`;
