# berth.bash: bash completion for berth(1): commands, options, formats,
# templates, check ids (from the berth being completed), the --site and
# --host names of the policy files already on the line, and diff --git's
# revisions (git's branches and tags). Installed as
# share/bash-completion/completions/berth, where bash-completion's lazy
# loader finds it; it needs nothing from bash-completion when sourced alone.

# The check ids, for a berth that cannot list them itself (not on PATH yet).
# tests/completion/bash.sh fails when they differ from `berth --list-checks`.
_berth_static_checks='syntax import limit unknown-name duplicate-name type
missing-parameter overflow port-range reversed-range not-multicast
unused-waiver bind-conflict may-collide cross-protocol ephemeral-range multicast-collision
multicast-scope inconsistent-redeclaration redundant-flow instance-defaults
unknown-peer duplicate-address idle-host host-outside-networks
overlapping-networks unbound-zone unchecked-flow well-known-mismatch well-known-group invalid-address socket-input undeclared-listener not-listening loopback-listener undeclared-group group-not-joined'

# _berth_words: the words up to the cursor as typed. Bash splits a word at
# '=' and ':' (--format=json arrives as --format, =, json); pieces with no
# blank between them are joined again. Sets the array _berth_w.
_berth_words()
{
    local line=${COMP_LINE:0:COMP_POINT} i w sep
    _berth_w=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z ${COMP_LINE-} ]]; then
            _berth_w+=("$w")
            continue
        fi
        if ((i == COMP_CWORD)); then       # the text before the cursor only
            w=${line#"${line%%[![:space:]]*}"}
            sep=${line%"$w"}
        elif [[ -n $w ]]; then
            sep=${line%%"$w"*}
        else
            sep=$line
        fi
        line=${line:${#sep}+${#w}}
        if ((i > 0)) && [[ -z $sep ]]; then
            _berth_w[-1]+=$w
        else
            _berth_w+=("$w")
        fi
    done
}

# _berth_checks BIN: the check ids, from `BIN --list-checks` when it runs.
_berth_checks()
{
    local bin=$1 ids
    [[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
    ids=$(command "$bin" --list-checks 2>/dev/null </dev/null | awk '{ print $1 }')
    printf '%s\n' "${ids:-$_berth_static_checks}"
}

# _berth_names KIND SITE FILE...: the names declared `site NAME` (KIND site),
# or `host NAME` (KIND host) inside site SITE, or inside any site when SITE
# is empty. Strings and comments are skipped; braces give the nesting.
_berth_names()
{
    local kind=$1 site=$2
    shift 2
    (($#)) || return 0
    awk -v kind="$kind" -v want="$site" '
        { gsub(/"([^"\\]|\\.)*"/, "S"); sub(/#.*/, ""); gsub(/[{};]/, " & ")
          for (i = 1; i <= NF; i++) {
              if ($i == "{") depth++
              else if ($i == "}") { if (--depth == 0) cur = "" }
              else if ($i == "site" && depth == 0 && i < NF) {
                  cur = $(i + 1); if (kind == "site") print cur
              } else if ($i == "host" && kind == "host" && cur != "" && i < NF &&
                         (want == "" || want == cur)) print $(i + 1)
          } }' "$@" 2>/dev/null | sort -u
}

# _berth_policies: the policy files on the whole line that exist.
_berth_policies()
{
    local w
    for w in "${COMP_WORDS[@]:1}"; do
        [[ $w == "~/"* ]] && w=$HOME/${w#"~/"}
        [[ $w == *.ports && -f $w ]] && printf '%s\n' "$w"
    done
}

# _berth_site: the value of --site on the line, if any.
_berth_site()
{
    local i
    for ((i = 1; i < ${#_berth_w[@]} - 1; i++)); do
        case ${_berth_w[i]} in
        --site=*) printf '%s\n' "${_berth_w[i]#--site=}" ;;
        --site) printf '%s\n' "${_berth_w[i + 1]}" ;;
        esac
    done | tail -n 1
}

# _berth_positionals: how many arguments before the cursor are not options
# or option values (explain takes PROTO and PORT first).
_berth_positionals()
{
    local i n=0
    for ((i = 2; i < ${#_berth_w[@]} - 1; i++)); do
        if [[ ${_berth_w[i]} == -?* ]]; then
            [[ ${_berth_w[i]} != *=* ]] && _berth_takes_value explain "${_berth_w[i]}" && ((i++))
        else
            ((n++))
        fi
    done
    echo "$n"
}

# _berth_add PREFIX WORD LIST: the words of LIST that start with WORD, each
# with PREFIX in front.
_berth_add()
{
    local IFS=$' \t\n'
    COMPREPLY+=($(compgen -P "$1" -W "$3" -- "$2"))
}

# _berth_files PREFIX WORD PATTERN: directories and the files matching
# PATTERN (all files when PATTERN is empty) that start with WORD.
_berth_files()
{
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [[ -n $3 ]]; then
        COMPREPLY+=($(compgen -P "$1" -d -- "$2") $(compgen -P "$1" -f -X "!$3" -- "$2"))
    else
        COMPREPLY+=($(compgen -P "$1" -f -- "$2"))
    fi
}

# _berth_value CMD SUB OPTION PREFIX WORD: the values of OPTION.
_berth_value()
{
    local cmd=$1 sub=$2 opt=$3 pre=$4 val=$5 files
    case $opt in
    --format)
        if [[ $cmd == flows ]]; then _berth_add "$pre" "$val" json
        elif [[ $cmd == diff || $cmd == explain ]]; then _berth_add "$pre" "$val" 'text json'
        else _berth_add "$pre" "$val" 'text gcc json sarif github gitlab'; fi ;;
    --git)
        _berth_add "$pre" "$val" \
            "HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null </dev/null)" ;;
    --color) _berth_add "$pre" "$val" 'auto always never' ;;
    --os) _berth_add "$pre" "$val" 'windows linux' ;;
    --template)
        _berth_add "$pre" "$val" 'nftables iptables windows firewalld ufw'
        _berth_files "$pre" "$val" '*.lua' ;;
    --site | --host)
        mapfile -t files < <(_berth_policies)
        if [[ $opt == --site ]]; then
            _berth_add "$pre" "$val" "$(_berth_names site '' "${files[@]}")"
        else
            _berth_add "$pre" "$val" "$(_berth_names host "$(_berth_site)" "${files[@]}")"
        fi ;;
    --root)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY+=($(compgen -P "$pre" -d -- "$val")) ;;
    -o)
        if [[ $cmd == gen && $sub != fw ]]; then
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY+=($(compgen -P "$pre" -d -- "$val"))
        else
            _berth_files "$pre" "$val" ''
        fi ;;
    --output | --depfile) _berth_files "$pre" "$val" '' ;;
    --sockets)
        _berth_add "$pre" "$val" -
        _berth_files "$pre" "$val" '' ;;
    --proc-net)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY+=($(compgen -P "$pre" -d -- "$val")) ;;
    -D)
        case $val in
        log=* | fragment=*) _berth_add "$pre${val%%=*}=" "${val#*=}" '0 1' ;;
        output=*) _berth_add "${pre}output=" "${val#*=}" 'accept drop' ;;
        unknown_peer=*) _berth_add "${pre}unknown_peer=" "${val#*=}" any ;;
        *=*) ;;
        *) _berth_add "$pre" "$val" 'log= fragment= output= table= unknown_peer=' ;;
        esac ;;
    esac
    return 0
}

# _berth_takes_value CMD OPTION: whether OPTION of CMD takes a value.
_berth_takes_value()
{
    case $2 in
    --format | --output | --root | --color | --site | --host | --name | --prefix | \
        --depfile | --template | --os | --sockets | --proc-net | --help-base | --max-findings | --git | --from | -D) return 0 ;;
    -o) [[ $1 == gen || $1 == import ]] ;;
    *) return 1 ;;
    esac
}

# _berth_options CMD SUB: the options of a command.
_berth_options()
{
    local common='--root --color='
    case $1 in
    check) echo "--format= --output --summary --max-findings --help-base -Werror --no-waivers --list-checks $common" ;;
    fmt) echo "--check $common" ;;
    flows) echo "--site --host --format= $common" ;;
    gen)
        echo "-o --site --depfile $common"
        [[ $2 == c ]] && echo '--name --prefix'
        [[ $2 == fw ]] && echo '--template --host --os -D' ;;
    audit) echo "--site --host --sockets --proc-net --format= --output --summary --max-findings --help-base -Werror $common" ;;
    explain) echo "--site --host --from --format= $common" ;;
    import) echo '-o --name' ;;
    diff) echo "--format= --git $common" ;;
    *) echo '--help --version --list-checks' ;;
    esac
}

_berth()
{
    local _berth_w cur prev cmd sub opt= pre= val brk id ids=
    COMPREPLY=()
    _berth_words
    cur=${_berth_w[-1]}
    prev=
    ((${#_berth_w[@]} > 1)) && prev=${_berth_w[-2]}
    cmd=${_berth_w[1]-}
    sub=${_berth_w[2]-}
    ((${#_berth_w[@]} == 2)) && cmd=
    ((${#_berth_w[@]} == 3)) && sub=

    # The value of an option: --opt VALUE, --opt=VALUE, -DKEY=VALUE.
    if [[ $cur == -D?* && -n $cmd ]]; then
        opt=-D pre=-D val=${cur#-D}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} pre=$opt= val=${cur#*=}
    elif [[ -n $cmd ]] && _berth_takes_value "$cmd" "$prev"; then
        opt=$prev val=$cur
    fi

    if [[ -n $opt ]]; then
        _berth_value "$cmd" "$sub" "$opt" "$pre" "$val"
    elif [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then _berth_add '' "$cur" "$(_berth_options '')"
        else _berth_add '' "$cur" 'check fmt flows gen audit explain import diff help'; fi
    elif [[ $cmd == help && -z $sub ]]; then
        _berth_add '' "$cur" 'check fmt flows gen audit explain import diff help'
    elif [[ $cmd == gen && -z $sub ]]; then
        _berth_add '' "$cur" 'c docs fw'
    elif [[ $cmd == import && -z $sub ]]; then
        _berth_add '' "$cur" 'firewalld services'
    elif [[ $cmd == -* ]]; then
        :
    elif [[ $cur == -W* && $cmd == check ]]; then
        for id in $(_berth_checks "${COMP_WORDS[0]}"); do ids+=" -W$id -Wno-$id"; done
        _berth_add '' "$cur" "-Werror$ids"
    elif [[ $cur == -* ]]; then
        _berth_add '' "$cur" "$(_berth_options "$cmd" "$sub")"
    elif [[ $cmd == import ]]; then
        if [[ $sub == firewalld ]]; then _berth_files '' "$cur" '*.xml'
        else _berth_files '' "$cur" ''; fi
    elif [[ $cmd == explain ]] && (($(_berth_positionals) < 2)); then
        (($(_berth_positionals) == 0)) && _berth_add '' "$cur" 'tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim'
    else
        _berth_files '' "$cur" '*.ports'
    fi

    # Readline replaces only the text after the last '=' or ':' that bash
    # splits words at: drop what comes before it from every candidate.
    brk=${COMP_WORDBREAKS-}
    brk=${brk//[^=:]/}
    if [[ -n $brk && $cur == *[$brk]* ]]; then
        pre=${cur%"${cur##*[$brk]}"}
        COMPREPLY=("${COMPREPLY[@]#"$pre"}")
    fi
    # An option that takes its value after '=' (--format=, -D log=) keeps
    # the cursor there.
    for id in "${COMPREPLY[@]}"; do
        [[ $id == *= ]] || return 0
    done
    ((${#COMPREPLY[@]})) && compopt -o nospace 2>/dev/null
    return 0
}

complete -F _berth berth
