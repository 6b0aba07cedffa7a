# SPDX-License-Identifier: GPL-2.0
# A kernel log (dmesg, or a console log) without what the unmutated kernel
# prints on purpose or regardless of this series. Used by ci/guest/lib.sh
# (dmesg checks in the guest) and ci/hazards.sh (console logs on the host).
BEGIN {
	# Nothing is expected under "cut here" (the KUnit suite suppresses
	# the WARNs it provokes), but for this:
	# Open finding of 2026-11-26 (Documentation/testing.md): once, on the
	# debug kernel, fprobe_return() found no fprobe data on the shadow
	# stack while function_graph and an fprobe event both traced
	# vfs_read(). Not yet known whether 7.3.4 or the series causes it.
	ok = "WARNING: kernel/trace/fprobe.c:[0-9]+ at fprobe_return"
	# The ORC unwinder's one-line complaint when it meets a task
	# interrupted inside return_to_handler: printed by the unpatched base
	# too (variant base, fork storm with every function traced).
	unwinder = "WARNING: stack going in the wrong direction\\? at return_to_handler"
}
{ sub(/\r$/, "") }
/-+\[ cut here \]-+/ { n = 0; blk = 1; expected = 0 }
blk {
	buf[n++] = $0
	if (n == 2 && $0 ~ ok)
		expected = 1
	if ($0 ~ /---\[ end trace/) {
		if (!expected)
			for (i = 0; i < n; i++)
				print buf[i]
		blk = 0
	}
	next
}
$0 ~ unwinder { next }
{ print }
END { if (blk && !expected) for (i = 0; i < n; i++) print buf[i] }
