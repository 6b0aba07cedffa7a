# SPDX-License-Identifier: GPL-2.0
# A kernel log (dmesg, or a console log) without what the unmutated kernel
# prints regardless of this series. Used by ci/guest/lib.sh (dmesg checks
# in the guest) and ci/hazards.sh (console logs on the host). Nothing is
# expected under "cut here": the KUnit suite suppresses the WARNs it
# provokes.
BEGIN {
	# The ORC unwinder's one-line complaint when it meets a task
	# interrupted inside return_to_handler: printed by the unpatched base
	# too (variant base, fork storm with every function traced).
	unwinder = "WARNING: stack going in the wrong direction\\? at return_to_handler"
}
{ sub(/\r$/, "") }
$0 ~ unwinder { next }
{ print }
