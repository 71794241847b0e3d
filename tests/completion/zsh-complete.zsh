# zsh-complete.zsh: what zsh's completion system offers for a command line.
# Usage: zsh -f zsh-complete.zsh FPATH-DIR LINE. Starts an interactive zsh
# in a pseudo-terminal (zsh/zpty) with FPATH-DIR first in $fpath, types LINE
# and a Tab, and prints each match added, one a line; no command runs.
zmodload zsh/zpty || exit 2
dir=$1 line=$2
zpty z zsh -f -i || exit 2
zpty -w z "PS1=; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# Every compadd that adds matches (not the ones that only filter: -O, -A, -D)
# prints those that fit the line first, each on a line of its own.
zpty -w z 'compadd() { if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi
  local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- "" "match:"${^m}; builtin compadd "$@"; }'
zpty -w z '__done() { print -r -- ""; print -r -- end-of-matches; exit }; comppostfuncs=(__done)'
zpty -w z 'bindkey "^I" complete-word'
zpty -w -n z "$line"$'\t'
out=
integer n=0
while (( n++ < 200 )); do
  if zpty -r -t z chunk; then
    out+=$chunk
    [[ $out == *$'\n'end-of-matches* ]] && break
  else
    sleep 0.05
  fi
done
zpty -d z
for l in ${(f)out//$'\r'/}; do [[ $l == match:* ]] && print -r -- ${l#match:}; done
[[ $out == *$'\n'end-of-matches* ]]
