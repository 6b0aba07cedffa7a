#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Remove the whole cache. Mounts are private to each command, so nothing
# can be mounted below it.
. "$(dirname "$0")/lib.sh"
need_root clean-cache
log "removing $FGL_CACHE ($(du -sh "$FGL_CACHE" 2>/dev/null | cut -f1 || echo empty))"
rm -rf --one-file-system "$FGL_CACHE"
