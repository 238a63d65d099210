/* SPDX-License-Identifier: ISC */
/*
 * \summary: names and tags users give devices, kept across restarts
 *
 * /devices/by-key/KEY/set_name.cmd and set_tag.cmd store a user name and
 * named tags per device key; device records then carry them as
 * kismet.device.base.username and kismet.device.base.tags.  They live in
 * the core's home folder (~/.osprey), in two files written in turn,
 * device_names.0 and device_names.1, each ending in a trailer line: the
 * core may create and write files after it locks itself down but not
 * rename them, so instead of writing aside and renaming, each change
 * rewrites the older file with the next generation number and a crash
 * mid-write leaves the other one whole.  At start the newest whole file
 * wins.  Values are stored percent-encoded, one record a line.
 */
#ifndef DAEMON_DEVNAMES_H
#define DAEMON_DEVNAMES_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct devnames;

#define DEVNAMES_NAME_MAX	256	/* bytes of a user name */
#define DEVNAMES_TAG_MAX	64	/* bytes of a tag's name */
#define DEVNAMES_VALUE_MAX	1024	/* bytes of a tag's value */
#define DEVNAMES_TAGS_MAX	64	/* tags on one device */
#define DEVNAMES_MAX		65536	/* devices with a name or tags */
#define DEVNAMES_KEY_MAX	64

/*
 * The names kept in folder dir (made 0700 when missing; NULL keeps them
 * in memory only).  Reads the newest whole file.  Never NULL: a file
 * that cannot be read is reported in err (errlen bytes; "" when all was
 * well) and the set starts empty.  Call before the sandbox is on.
 */
struct devnames	*devnames_open(const char *dir, char *err, size_t errlen);
void		 devnames_free(struct devnames *);

/*
 * Set (or with "" clear) the user name of the device key, or one of its
 * tags, and write the set out.  Returns 0, -EINVAL for a key, name or
 * value that is empty where it may not be, too long or holds a NUL byte
 * (why in err), -ENOSPC past DEVNAMES_MAX devices or DEVNAMES_TAGS_MAX
 * tags, -EIO when the file could not be written (the change is kept in
 * memory; why in err).
 */
int	devnames_set_name(struct devnames *, const char *key, const char *name,
	    char *err, size_t errlen);
int	devnames_set_tag(struct devnames *, const char *key, const char *tag,
	    const char *value, char *err, size_t errlen);

/*
 * Pack the fields of key (kismet.device.base.username, .tags) as map
 * pairs; with pk NULL only count them.  Returns the number of pairs.
 */
size_t	devnames_pack(const struct devnames *, const char *key,
	    msgpack_packer *pk);

/*
 * Replace the set with what the len bytes at buf say, in the files'
 * format (for tests and the fuzz target).  Returns 0 and the
 * generation, or -EBADMSG (the set is then empty).  Writes nothing.
 */
int	devnames_parse(struct devnames *, const char *buf, size_t len,
	    uint64_t *ret_gen);

/* The user name of key, or NULL; valid until the next change. */
const char *devnames_name(const struct devnames *, const char *key);

/* Devices with a name or tags. */
size_t	devnames_count(const struct devnames *);

#endif
