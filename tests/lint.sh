#!/usr/bin/env bash
# Static checks on the tree: no banned functions (core/banned.h) in lib/ or
# cli/, and lib/ never prints or exits (STYLE 3.3).
set -u
top=${1:-.}
cd "$top" || exit 1
fail=0
banned='\b(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|strtok|atoi|gmtime|localtime|ctime|asctime|mktemp)[[:space:]]*\('
if hits=$(grep -rnE "$banned" lib cli --include='*.c' | grep -v 'core/banned.h'); then
	echo "banned functions used:"; echo "$hits"; fail=1
fi
printers='\b(printf|fprintf|puts|fputs|perror|exit|_exit|abort)[[:space:]]*\('
if hits=$(grep -rnE "$printers" lib --include='*.c' | grep -vE 'lib/.*/fuzz-|lib/lab/'); then
	echo "lib/ must not print or exit:"; echo "$hits"; fail=1
fi
# kernel style, enforced (STYLE 3.10): .clang-format at the top of the tree
if command -v clang-format >/dev/null 2>&1; then
	if ! out=$(git ls-files '*.c' '*.h' 2>/dev/null | xargs -r clang-format --dry-run -Werror 2>&1); then
		echo "not clang-formatted (run 'make format'):"
		echo "$out" | grep -E '^[^ ].*error:' | cut -d: -f1 | sort -u
		fail=1
	fi
else
	echo "note: clang-format not installed, format not checked (make deps installs it)"
fi
[ $fail -eq 0 ] && echo "lint ok"
exit $fail
