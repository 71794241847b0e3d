#!/usr/bin/env bash
# bash.sh: the shell completions of src/completion/. Sources the bash one
# without a terminal and completes lines split as bash splits them (with and
# without '=' in COMP_WORDBREAKS); loads it through bash-completion's lazy
# loader from a `make install`; checks the zsh and fish ones where those
# shells are installed (syntax, then zsh's completion system in a
# pseudo-terminal, zsh-complete.zsh, and fish's own `complete -C`). Prints
# "N passed, N failed, N skipped"; a step that cannot run here says
# "skipped: REASON". Run from anywhere.
set -u
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C
. tests/lib.sh
BERTH=${BERTH:-./berth}
[ -x "$BERTH" ] || { echo "bash.sh: build $BERTH first (make)" >&2; exit 2; }
# `berth` on the line is the one just built: its --list-checks gives the ids.
mkdir -p "$tmp/bin" && ln -s "$PWD/$BERTH" "$tmp/bin/berth"
PATH=$tmp/bin:$PATH
SITE=policies/example-site.ports
IDS=$("$BERTH" --list-checks | awk '{ print $1 }' | sort)
FORMATS="text gcc json sarif github gitlab"

. src/completion/berth.bash

# words TEXT: TEXT split into the array W as bash splits a command line for
# completion: words at blanks, each run of the '=' and ':' of
# COMP_WORDBREAKS a word of its own (--format= is --format and =), and an
# empty word when TEXT ends in a blank.
words() {
  local tok piece brk=${COMP_WORDBREAKS//[^=:]/}
  local -a toks
  W=()
  read -ra toks <<<"$1"
  for tok in "${toks[@]}"; do
    while [ -n "$tok" ]; do
      if [ -z "$brk" ]; then piece=$tok
      elif [[ $tok == ["$brk"]* ]]; then piece=${tok%%[!"$brk"]*}
      else piece=${tok%%["$brk"]*}; fi
      W+=("$piece"); tok=${tok:${#piece}}
    done
  done
  [[ $1 == *[[:space:]] ]] && W+=("")
}
# split LINE: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT for LINE
# with the cursor at its end, or at "@@ " when LINE holds one.
split() {
  local before=${1%%@@ *} after=
  [ "$before" = "$1" ] || after=" ${1#*@@ }"
  COMP_LINE="$before$after" COMP_POINT=${#before}
  words "$before"; COMP_WORDS=("${W[@]}"); COMP_CWORD=$((${#W[@]} - 1))
  words "$after"; COMP_WORDS+=("${W[@]}")
}
# complete_line LINE: the candidates for LINE, sorted, one line each, in $got.
complete_line() {
  split "$1"
  COMPREPLY=()
  _berth "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}
# is 'WORDS' LINE: the candidates for LINE are exactly WORDS, in any order.
is() {
  local want
  want=$(tr ' ' '\n' <<<"$1" | sort)
  complete_line "$2"
  if [ "$got" = "$want" ]; then ok; else bad "'$2' gave '$(echo $got)', want '$1'"; fi
}
# has WORD LINE: WORD is among the candidates for LINE.
has() {
  complete_line "$2"
  if grep -qxF -- "$1" <<<"$got"; then ok; else bad "'$2' gave no '$1' (got '$(echo $got)')"; fi
}

# 1. Bash's own word splitting: '=' and ':' break words.
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
is "check fmt flows gen audit explain import diff help" "berth "
is "check" "berth ch"
is "--help --version --list-checks" "berth -"
is "$FORMATS" "berth check --format="
is "json" "berth check --format=j"
is "$FORMATS" "berth check --format "
is "sarif" "berth check --format s"
is "--format=" "berth check --form"
is "auto always never" "berth check --color="
has -Wno-bind-conflict "berth check -Wno-"
has -Wbind-conflict "berth check -W"
has -Werror "berth check -W"
is "-Wno-bind-conflict" "berth check -Wno-bind"
is "-Wno-bind-conflict" "./berth check -Wno-bind"
is "c docs fw" "berth gen "
for t in nftables iptables windows firewalld ufw; do has $t "berth gen fw --template "; done
is "nftables" "berth gen fw --template nf"
is "nftables" "berth gen fw --template=nf"
has policies "berth gen fw --template pol"
has --template "berth gen fw --"
has -D "berth gen fw -"
complete_line "berth gen c --"; if grep -qx -- --template <<<"$got"; then bad "gen c offers --template"; else ok; fi
is "log= fragment= output= table= unknown_peer=" "berth gen fw -D "
is "accept drop" "berth gen fw -D output="
is "0 1" "berth gen fw -Dlog="
is "windows linux" "berth gen fw --os "
is "example" "berth flows $SITE --site "
is "example" "berth flows --site=@@ $SITE"
is "example" "berth flows --site ex@@ $SITE"
is "example" "berth flows $SITE --site ex"
is "media1 omni1 omni2 tablet1 projector1 rec1" "berth flows $SITE --site example --host "
is "media1" "berth flows $SITE --site=example --host=me"
is "rec1" "berth gen fw --template nftables --site example --host r@@ $SITE"
is "" "berth flows $SITE --site nowhere --host "
is "" "berth flows --site "
is "--site --sockets --summary" "berth audit --s"
has - "berth audit --sockets "
is "--proc-net" "berth audit --p"
is "firewalld services" "berth import "
is "tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim" "berth explain "
is "tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim" "berth explain --site example "
is "" "berth explain udp "
is "" "berth explain --host omni1 udp "
has policies "berth explain udp 16000 pol"
is "text json" "berth explain udp 16000 --format="
is "media1 omni1 omni2 tablet1 projector1 rec1" "berth explain udp 16000 $SITE --site example --host "
is "--from --format=" "berth explain udp 16000 --f"
is "policies/example-site.ports" "berth check policies/example-s"
is "policies" "berth check pol"
is "" "berth check --name "
has --check "berth fmt --"
is "text json" "berth diff --format="
is "--format= --git --root --color=" "berth diff --@@ policies policies"
has HEAD "berth diff --git "
is "policies" "berth diff pol"

# 2. The same lines with '=' not a word break: the candidates keep what
#    comes before the '=' (readline replaces the whole word then).
COMP_WORDBREAKS=$' \t\n"\'><;|&('
is "--format=text --format=gcc --format=json --format=sarif --format=github --format=gitlab" "berth check --format="
is "--format=json" "berth check --format=j"
is "$FORMATS" "berth check --format "
is "-Doutput=drop" "berth gen fw -Doutput=d"
is "--site=example" "berth flows $SITE --site="
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

# 3. Check ids: the static list of each completion file is what berth lists
#    (it is used only when the berth on the line cannot run).
static_bash=$(tr ' ' '\n' <<<"$_berth_static_checks" | grep . | sort)
if [ "$static_bash" = "$IDS" ]; then ok; else bad "src/completion/berth.bash: _berth_static_checks differs from berth --list-checks"; fi
complete_line "/nonexistent/berth check -Wno-"
if [ "$got" = "$(sed 's/^/-Wno-/' <<<"$IDS")" ]; then ok; else bad "static fallback: '$(echo $got)'"; fi
static_zsh=$(sed -n '/^  reply=($/,/^  )$/p' src/completion/_berth | sed '1d;$d' | tr -s ' ' '\n' | grep . | sort)
if [ "$static_zsh" = "$IDS" ]; then ok; else bad "src/completion/_berth: the static check ids differ from berth --list-checks"; fi
static_fish=$(sed -n '/^ *set ids [a-z]/p' src/completion/berth.fish | sed 's/^ *set ids //' | tr ' ' '\n' | sort)
if [ "$static_fish" = "$IDS" ]; then ok; else bad "src/completion/berth.fish: the static check ids differ from berth --list-checks"; fi

# 4. make install puts the three files where each shell looks, and
#    bash-completion's lazy loader finds the bash one there.
if make --no-print-directory install DESTDIR="$tmp/dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then ok; else bad "make install"; cat "$tmp/install.log"; fi
share=$tmp/dest/usr/share
check cmp src/completion/berth.bash "$share/bash-completion/completions/berth"
check cmp src/completion/_berth "$share/zsh/vendor-completions/_berth"
check cmp src/completion/berth.fish "$share/fish/vendor_completions.d/berth.fish"
BC=/usr/share/bash-completion/bash_completion
if [ -r "$BC" ]; then
  out=$(XDG_DATA_DIRS=$share BASH_COMPLETION_USER_DIR=$tmp/none bash -c '. "$1"; __load_completion berth && complete -p berth' sh "$BC" 2>&1)
  if [ "$out" = "complete -F _berth berth" ]; then ok; else bad "__load_completion berth: $out"; fi
  # Loaded that way, next to bash-completion's own functions, it still completes.
  out=$(XDG_DATA_DIRS=$share BASH_COMPLETION_USER_DIR=$tmp/none bash -c '. "$1"; __load_completion berth
    COMP_WORDS=(berth check --format =); COMP_CWORD=3; COMP_LINE="berth check --format="; COMP_POINT=${#COMP_LINE}
    _berth berth = --format; echo "${COMPREPLY[*]}"' sh "$BC" 2>&1)
  if [ "$out" = "$FORMATS" ]; then ok; else bad "after __load_completion, --format= gave: $out"; fi
else
  skipped "bash-completion not installed ($BC)"
fi

# 5. zsh and fish: syntax where installed; fish completes with its own engine.
if command -v zsh >/dev/null; then
  check zsh -n src/completion/_berth
  # zsh's completion system in a pseudo-terminal, _berth from the install.
  zsh_is() {   # zsh_is 'WORDS' LINE, as is above, with zsh's completion
    local want got
    want=$(tr ' ' '\n' <<<"$1" | sort)
    got=$(timeout 30 zsh -f tests/completion/zsh-complete.zsh "$share/zsh/vendor-completions" "$2" | sort)
    if [ "$got" = "$want" ]; then ok; else bad "zsh: '$2' gave '$(echo $got)', want '$1'"; fi
  }
  zsh_is "$FORMATS" "berth check --format="
  zsh_is "$FORMATS" "berth check --format "
  zsh_is "check fmt flows gen audit explain import diff help" "berth "
  zsh_is "no-bind-conflict" "berth check -Wno-bi"
  zsh_is "c docs fw" "berth gen "
  zsh_is "example" "berth flows $SITE --site "
  zsh_is "media1 omni1 omni2 tablet1 projector1 rec1" "berth flows $SITE --site=example --host "
  zsh_is "--site --sockets --summary" "berth audit --s"
  zsh_is "firewalld services" "berth import "
  zsh_is "text json" "berth diff --format="
  zsh_is "tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim" "berth explain "
  zsh_is "example" "berth explain udp 16000 $SITE --site "
else
  skipped "zsh not installed"
fi
if command -v fish >/dev/null; then
  check fish -n src/completion/berth.fish
  fishc() { fish --no-config -c 'source src/completion/berth.fish; complete -C $argv[1]' "$1" 2>&1 | cut -f1 | sort; }
  fis() {   # fis 'WORDS' LINE, as is above, with fish's completion
    local want got
    want=$(tr ' ' '\n' <<<"$1" | sort); got=$(fishc "$2")
    if [ "$got" = "$want" ]; then ok; else bad "fish: '$2' gave '$(echo $got)', want '$1'"; fi
  }
  fhas() { if grep -qxF -- "$1" <<<"$(fishc "$2")"; then ok; else bad "fish: '$2' gave no '$1' (got '$(echo $(fishc "$2"))')"; fi; }
  fis "--format=text --format=gcc --format=json --format=sarif --format=github --format=gitlab" "berth check --format="
  fis "$FORMATS" "berth check --format "
  fis "check fmt flows gen audit explain import diff help" "berth "
  fis "c docs fw" "berth gen "
  fis "firewalld services" "berth import "
  fis "text json" "berth diff --format "
  fhas -Wno-bind-conflict "berth check -Wno-"
  for t in nftables iptables windows firewalld ufw; do fhas $t "berth gen fw --template "; done
  fis "nftables" "berth gen fw --template nf"
  fis "example" "berth flows $SITE --site "
  fis "media1 omni1 omni2 tablet1 projector1 rec1" "berth flows $SITE --site example --host "
  fis "--site --sockets --summary" "berth audit --s"
  fis "tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim" "berth explain "
  fis "tcp udp icmp icmpv6 igmp esp ah gre vrrp ospf pim" "berth explain --site example "
  fis "text json" "berth explain udp 16000 --format "
  fis "media1 omni1 omni2 tablet1 projector1 rec1" "berth explain udp 16000 $SITE --site example --host "
  fis "policies/example-site.ports" "berth check policies/example-s"
else
  skipped "fish not installed"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
