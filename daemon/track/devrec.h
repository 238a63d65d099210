/* SPDX-License-Identifier: ISC */
/*
 * \summary: device records for the REST API, as msgpack maps
 *
 * Each device becomes one msgpack map whose JSON rendering is the device
 * object of Kismet's REST API, with Kismet's field names and value types
 * (doc/devices.md lists them).  The web worker renders these maps as
 * JSON, msgpack or ekjson and applies field selection; byte strings
 * (handshake frames) are msgpack bin, which JSON renders in base64.
 *
 * Dumps are cut into slices: devrec_pack_slice() writes at most a given
 * number of devices and leaves a cursor to resume from, so that the core
 * can go back to its packets between slices.
 */
#ifndef DAEMON_DEVREC_H
#define DAEMON_DEVREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct device;
struct tracker;

struct devrec_opts {
	/* The UUID string of a datasource, for seen-by records; may be
	 * NULL, and may answer NULL (an empty string is written). */
	const char	*(*source_uuid)(uint32_t source, void *arg);
	void		*arg;
	/* "Now" of the histories (RRDs), capture seconds; 0: the clock of
	 * the sources that heard the device (tracker_device_now()). */
	uint64_t	 now;
	/* Fields kept outside the tracker (user names, tags) for the
	 * device key: with pk NULL the number of map pairs, else writes
	 * them and returns the same number.  May be NULL. */
	size_t		(*extra)(msgpack_packer *pk, const char *key,
			    void *arg);
	/* The name a user gave the device key, or NULL: as in Kismet, it
	 * becomes the commonname.  May be NULL. */
	const char	*(*user_name)(const char *key, void *arg);
};

/*
 * Resume token of a sliced dump: the devices changed after since_usec,
 * in change order.  Initialise with devrec_cursor_init(); treat the rest
 * as opaque.  A device changed while the dump is under way moves to the
 * end of the list and so may be written a second time, newer; a client
 * keeping the last copy per key sees every device once.
 */
struct devrec_cursor {
	uint64_t	 since_usec;
	uint64_t	 clock_start;	/* poll from here next (tracker clock
					   at the first slice, less 1 us) */
	uint64_t	 after_seq;	/* change number last written */
	const struct device *next;	/* where to resume, if still valid */
	uint64_t	 next_seq;
	uint64_t	 removals;
	size_t		 written;
	bool		 started;
	bool		 done;
};

/*
 * Write one device as a msgpack map.  Nothing is kept; the packer's
 * write callback must not fail (msgpack_sbuffer aborts on no memory
 * through xmalloc-like semantics of the process).  Returns 0.
 */
int	 devrec_pack(msgpack_packer *pk, const struct tracker *tr,
	    const struct device *d, const struct devrec_opts *opts);

/* A cursor for the devices changed after since_usec (0: every device). */
void	 devrec_cursor_init(struct devrec_cursor *cur, uint64_t since_usec);

/*
 * Write up to max devices from the cursor, as consecutive maps (no
 * enclosing array: the caller does not know the total in advance), and
 * advance it.  Returns the number written; cur->done is set once the list
 * is exhausted.  The timestamp to give a client polling for later
 * changes is cur->clock_start.
 */
size_t	 devrec_pack_slice(msgpack_packer *pk, const struct tracker *tr,
	    struct devrec_cursor *cur, size_t max,
	    const struct devrec_opts *opts);

/* Kismet's crypt_set bits for osprey's enum dot11_crypt set. */
uint64_t devrec_kismet_crypt(uint32_t crypt);

/*
 * An SSID as printable UTF-8: valid printable UTF-8 is kept, any other
 * byte becomes "\xHH".  buf holds 4 * len + 1 bytes; returns the length.
 */
size_t	 devrec_ssid_str(const uint8_t *ssid, size_t len, char *buf);

#endif
