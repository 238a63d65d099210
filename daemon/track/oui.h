/* SPDX-License-Identifier: ISC */
/*
 * \summary: IEEE MAC address registry (manufacturer names by prefix)
 *
 * The IEEE hands out MAC prefixes in three sizes: MA-L (24 bits, the
 * classic OUI), MA-M (28 bits) and MA-S (36 bits, also the old IAB
 * blocks).  oui_db holds all three as sorted arrays of (prefix, name)
 * and answers with the longest matching prefix by binary search.  Names
 * are interned once in a string pool: the registry repeats "Private" and
 * the large vendors thousands of times.
 *
 * Input is the registry as Debian's ieee-data ships it, in either of the
 * IEEE's formats: CSV ("Registry,Assignment,Organization Name,...") or
 * the text listing ("AABBCC     (base 16)\t\tName").  Bad lines are
 * skipped and counted; a file with no usable line is an error.
 */
#ifndef DAEMON_OUI_H
#define DAEMON_OUI_H

#include <stddef.h>
#include <stdint.h>

/* Where Debian's ieee-data package puts the registry. */
#define OUI_DEFAULT_DIR		"/usr/share/ieee-data"

/* Longest organisation name kept; longer names are cut (on UTF-8 bounds). */
#define OUI_NAME_MAX		128

/* Largest registry file read, well above the 5 MB oui.txt of 2022. */
#define OUI_FILE_MAX		(64 * 1024 * 1024)

struct oui_db;

struct oui_stats {
	size_t	 n_mal;		/* 24-bit prefixes */
	size_t	 n_mam;		/* 28-bit prefixes */
	size_t	 n_mas;		/* 36-bit prefixes (MA-S and IAB) */
	size_t	 n_names;	/* distinct names after interning */
	size_t	 n_bad;		/* lines skipped as malformed */
	size_t	 bytes;		/* heap held by the sealed database */
};

/* An empty database to fill with oui_db_add_buffer(); never NULL. */
struct oui_db	*oui_db_new(void);

/*
 * Parse one registry file's contents (CSV or text format, told apart by
 * the first line) and add its entries.  The buffer is not kept and need
 * not be NUL terminated.  Returns the number of entries added, or
 * -EBADMSG when not one line could be used.  Fails with -EPROTO once the
 * database is sealed.
 */
int	 oui_db_add_buffer(struct oui_db *, const char *buf, size_t len);

/* Read a file (at most OUI_FILE_MAX bytes) and add it; -errno or as above. */
int	 oui_db_add_file(struct oui_db *, const char *path);

/*
 * Sort the tables and drop the load-time index; after this the database
 * only answers lookups.  Later duplicates of a prefix win, so a site
 * file loaded last can rename a vendor.
 */
void	 oui_db_seal(struct oui_db *);

/*
 * Open a registry ready for lookups.  With path NULL, load Debian's
 * ieee-data files from dir (OUI_DEFAULT_DIR when dir is NULL): oui.csv,
 * or oui.txt when the CSV is missing, then mam.csv, oui36.csv and iab.csv
 * when present.  With a path (the ouifile= config key), load that one
 * file.  On success *ret is a sealed database the caller frees with
 * oui_db_free().  Returns 0, -ENOENT when no MA-L file exists, or the
 * error of the first file that failed.
 */
int	 oui_db_open(const char *path, const char *dir, struct oui_db **ret);

void	 oui_db_free(struct oui_db *);

/*
 * The registered organisation for a MAC address, longest prefix first,
 * or NULL when unknown.
 * The string lives as long as the database.  The database must be sealed.
 */
const char	*oui_db_lookup(const struct oui_db *, const uint8_t mac[6]);

void	 oui_db_stats(const struct oui_db *, struct oui_stats *ret);

#endif
