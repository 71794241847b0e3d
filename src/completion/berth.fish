# berth.fish: fish completion for berth(1): commands, options, formats,
# templates, check ids (from the berth being completed), the --site and
# --host names of the policy files on the line, and diff --git's revisions. Installed as
# share/fish/vendor_completions.d/berth.fish.

# The check ids, from `berth --list-checks`, else from the list below (for a
# berth not on PATH yet; tests/completion/bash.sh compares it with berth's).
function __berth_check_ids
    set -l bin (commandline -opc)[1]
    set bin (string replace -r '^~' -- $HOME $bin)
    set -l ids
    if command -q -- $bin
        set ids (command $bin --list-checks 2>/dev/null </dev/null | string replace -r ' .*' '')
    end
    if not set -q ids[1]
        set ids syntax import limit unknown-name duplicate-name type missing-parameter overflow port-range reversed-range not-multicast unused-waiver bind-conflict may-collide cross-protocol ephemeral-range multicast-collision multicast-scope inconsistent-redeclaration redundant-flow instance-defaults unknown-peer duplicate-address idle-host host-outside-networks overlapping-networks unbound-zone unchecked-flow well-known-mismatch well-known-group invalid-address socket-input undeclared-listener not-listening loopback-listener undeclared-group group-not-joined
    end
    printf '%s\n' -Werror -W$ids -Wno-$ids
end

# The site names (__berth_names site) or host names (__berth_names host,
# inside the --site given if any) of the policy files on the line.
function __berth_names
    set -l files
    set -l site
    set -l tokens (commandline -o)
    for i in (seq (count $tokens))
        set -l t (string replace -r '^~' -- $HOME $tokens[$i])
        if string match -q -- '*.ports' $t; and test -f $t
            set -a files $t
        else if string match -q -- '--site=*' $t
            set site (string replace -- '--site=' '' $t)
        else if test "$t" = --site; and test $i -lt (count $tokens)
            set site $tokens[(math $i + 1)]
        end
    end
    set -q files[1]; or return 0
    awk -v kind=$argv[1] -v want="$site" '
        { gsub(/"([^"\\\\]|\\\\.)*"/, "S"); sub(/#.*/, ""); gsub(/[{};]/, " & ")
          for (i = 1; i <= NF; i++) {
              if ($i == "{") depth++
              else if ($i == "}") { if (--depth == 0) cur = "" }
              else if ($i == "site" && depth == 0 && i < NF) {
                  cur = $(i + 1); if (kind == "site") print cur
              } else if ($i == "host" && kind == "host" && cur != "" && i < NF &&
                         (want == "" || want == cur)) print $(i + 1)
          } }' $files 2>/dev/null | sort -u
end

# The command (__berth_is check), or command and kind (__berth_is gen fw).
function __berth_is
    set -l t (commandline -opc)
    test "$t[2]" = $argv[1]; or return 1
    set -q argv[2]; or return 0
    test "$t[3]" = $argv[2]
end

# A command that takes a kind first (gen, import) and has none yet.
function __berth_needs_kind
    set -l t (commandline -opc)
    test (count $t) -eq 2; and test "$t[2]" = $argv[1]
end

# explain's arguments that are not options (PROTO, PORT, then files):
# __berth_explain_args 0 is true before PROTO, 2 from the first file on.
function __berth_explain_args
    set -l t (commandline -opc)
    test "$t[2]" = explain; or return 1
    set -l skip 0
    set -l n 0
    for w in $t[3..-1]
        if test $skip = 1
            set skip 0
        else if string match -qr -- '^--(site|host|from|root)$' $w
            set skip 1
        else if not string match -q -- '-?*' $w
            set n (math $n + 1)
        end
    end
    test $n -eq $argv[1]; or test $argv[1] -eq 2 -a $n -gt 2
end

function __berth_needs_command
    test (count (commandline -opc)) -eq 1
end

complete -c berth -f
complete -c berth -n __berth_needs_command -a check -d 'Validate policies'
complete -c berth -n __berth_needs_command -a fmt -d 'Rewrite policies in canonical layout'
complete -c berth -n __berth_needs_command -a flows -d 'Print the flow table, or one host\'s view'
complete -c berth -n __berth_needs_command -a gen -d 'Generate C tables, docs or firewall rules'
complete -c berth -n __berth_needs_command -a audit -d 'Compare a host\'s open sockets with its policy'
complete -c berth -n __berth_needs_command -a explain -d 'Show the flows that admit a port, and why'
complete -c berth -n __berth_needs_command -a import -d 'Write a policy from firewalld or services'
complete -c berth -n __berth_needs_command -a diff -d 'What a policy change does on the network'
complete -c berth -n __berth_needs_command -a help -d 'Print the usage of berth or of one command'
complete -c berth -n '__berth_needs_kind help' -a 'check fmt flows gen audit import diff help' -d 'Command'
complete -c berth -n __berth_needs_command -l help -d 'Print a usage summary'
complete -c berth -n __berth_needs_command -l version -d 'Print the version'
complete -c berth -n __berth_needs_command -l list-checks -d 'List the check ids'

complete -c berth -n '__berth_needs_kind gen' -a c -d 'C tables'
complete -c berth -n '__berth_needs_kind gen' -a docs -d 'Documentation'
complete -c berth -n '__berth_needs_kind gen' -a fw -d 'Firewall rules'
complete -c berth -n '__berth_needs_kind import' -a firewalld -d 'firewalld service XML files'
complete -c berth -n '__berth_needs_kind import' -a services -d 'A services file'

# Options of every command that reads policies, and the policy files.
for c in check fmt flows audit diff explain 'gen c' 'gen docs' 'gen fw'
    set -l n "__berth_is $c"
    complete -c berth -n $n -l root -x -a '(__fish_complete_directories)' -d 'Policy root'
    complete -c berth -n $n -l color -x -a 'auto always never' -d 'Colour in text output'
    test $c = explain; and set n '__berth_explain_args 2'
    complete -c berth -n $n -k -a '(__fish_complete_suffix .ports)'
end

complete -c berth -n '__berth_is check; or __berth_is audit' -l format -x -a 'text gcc json sarif github gitlab' -d 'Output format'
complete -c berth -n '__berth_is check; or __berth_is audit' -l output -r -F -d 'Write the machine format to FILE'
complete -c berth -n '__berth_is check; and string match -q -- "-W*" (commandline -ct)' -a '(__berth_check_ids)'
complete -c berth -n '__berth_is check; or __berth_is audit' -o Werror -d 'Treat warnings as errors'
complete -c berth -n '__berth_is check' -l no-waivers -d 'Report waived findings at full severity'
complete -c berth -n '__berth_is check; or __berth_is audit' -l summary -d 'One line per check and host'
complete -c berth -n '__berth_is check; or __berth_is audit' -l max-findings -x -d 'Findings printed per check (0: all)'
complete -c berth -n '__berth_is check; or __berth_is audit' -l help-base -x -d 'Where SARIF rule links point (URL)'
complete -c berth -n '__berth_is check' -l list-checks -d 'List the check ids'

complete -c berth -n '__berth_is fmt' -l check -d 'Only name the files that need reformatting'

complete -c berth -n '__berth_is flows' -l format -x -a json -d 'Output format'
complete -c berth -n '__berth_is flows; or __berth_is gen; or __berth_is audit; or __berth_is explain' -l site -x -a '(__berth_names site)' -d 'Site'
complete -c berth -n '__berth_is flows; or __berth_is gen fw; or __berth_is audit; or __berth_is explain' -l host -x -a '(__berth_names host)' -d 'Host of the site'

complete -c berth -n '__berth_is gen c; or __berth_is gen docs' -s o -x -a '(__fish_complete_directories)' -d 'Output directory'
complete -c berth -n '__berth_is gen fw' -s o -r -F -d 'Output file (with --host) or directory'
complete -c berth -n '__berth_is gen c' -l name -x -d 'Base name of the outputs'
complete -c berth -n '__berth_is gen c' -l prefix -x -d 'Prefix of C identifiers'
complete -c berth -n '__berth_is gen c; or __berth_is gen docs; or __berth_is gen fw' -l depfile -r -F -d 'Write a make-style dependency file'
complete -c berth -n '__berth_is gen fw' -l template -x -a 'nftables iptables windows firewalld ufw (__fish_complete_suffix .lua)' -d 'Template'
complete -c berth -n '__berth_is gen fw' -l os -x -a 'windows linux' -d 'Only the hosts of that OS'
complete -c berth -n '__berth_is gen fw' -s D -x -a 'log=1 fragment=1 output=accept output=drop table= unknown_peer=any' -d 'Template option'

complete -c berth -n '__berth_is audit' -l sockets -r -F -a - -d 'Socket list (- for standard input)'
complete -c berth -n '__berth_is audit' -l proc-net -r -a '(__fish_complete_directories)' -d 'Read the /proc/net tables of a directory'

complete -c berth -n '__berth_is diff' -l format -x -a 'text json' -d 'Output format'
complete -c berth -n '__berth_is diff' -l git -x -a '(echo HEAD; git for-each-ref --format="%(refname:short)" 2>/dev/null </dev/null)' -d 'Compare the work tree with a revision'
complete -c berth -n '__berth_explain_args 0' -a 'tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim' -d 'Protocol'
complete -c berth -n '__berth_is explain' -l from -x -d 'Only what this address or role is admitted by'
complete -c berth -n '__berth_is explain' -l format -x -a 'text json' -d 'Output format'

complete -c berth -n '__berth_is import' -s o -r -F -d 'Output file'
complete -c berth -n '__berth_is import' -l name -x -d 'Name of the system written'
complete -c berth -n '__berth_is import firewalld' -k -a '(__fish_complete_suffix .xml)'
complete -c berth -n '__berth_is import services' -F
