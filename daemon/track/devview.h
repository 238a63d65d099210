/* SPDX-License-Identifier: ISC */
/*
 * \summary: one page of a device view, searched, ordered and cut here
 *
 * The web's paged view (/devices/views/ID/devices.json with start,
 * length, sort, search) shows fifty rows of a view that may hold a
 * hundred thousand devices.  Gathering every record in the web worker and
 * sorting them there took seconds per request; here the tracker's
 * devices are walked once, the search is tested and the sort key read
 * straight from each device (no record is packed for the common
 * columns), and a heap keeps only the best start+length of them.  The
 * order is the one the web's stable sort gave: by the key, ties in table
 * order, in both directions.
 */
#ifndef DAEMON_DEVVIEW_H
#define DAEMON_DEVVIEW_H

#include <stddef.h>
#include <stdint.h>

struct bridge_devices_page;
struct device;
struct devrec_opts;
struct tracker;

struct devview_page {
	const struct device	**devs;		/* the page in order */
	size_t			  n;
	uint64_t		  total;	/* devices in the view */
	uint64_t		  filtered;	/* of those, the search's */
};

/*
 * Select page p of tr's devices: seenby is the number of the source
 * p->seenby names, or CTLDEV_ANY_SOURCE / CTLDEV_NO_SOURCE.  opts gives
 * the user names (commonname) and, for a sort field read from the
 * record, how records are written.  Fills *ret (free with
 * devview_page_free); the pointers are valid until the tracker next
 * changes.
 */
void	devview_select(const struct tracker *tr,
	    const struct bridge_devices_page *p, int64_t seenby,
	    const struct devrec_opts *opts, struct devview_page *ret);
void	devview_page_free(struct devview_page *);

#endif
