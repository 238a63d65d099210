/* SPDX-License-Identifier: ISC */
/*
 * \summary: radiotap header iterator and decoder (DLT 127)
 *
 * The iterator walks the presence bitmaps, extended words and namespace
 * switches of a radiotap header and hands back each field of the default
 * radiotap namespace with its data aligned as the radiotap field table
 * says.  Vendor namespaces are skipped by their skip_length.  The first
 * field whose size is unknown (a bit past the table, or the TLV list of
 * bit 28) ends the walk: the fields before it are good, nothing after it
 * can be located.
 */
#ifndef DAEMON_RADIOTAP_H
#define DAEMON_RADIOTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

struct packet_radio;

/* Radiotap field bits (radiotap.org "defined fields"). */
enum radiotap_field_bit {
	RADIOTAP_TSFT = 0,
	RADIOTAP_FLAGS = 1,
	RADIOTAP_RATE = 2,
	RADIOTAP_CHANNEL = 3,
	RADIOTAP_FHSS = 4,
	RADIOTAP_DBM_ANTSIGNAL = 5,
	RADIOTAP_DBM_ANTNOISE = 6,
	RADIOTAP_LOCK_QUALITY = 7,
	RADIOTAP_TX_ATTENUATION = 8,
	RADIOTAP_DB_TX_ATTENUATION = 9,
	RADIOTAP_DBM_TX_POWER = 10,
	RADIOTAP_ANTENNA = 11,
	RADIOTAP_DB_ANTSIGNAL = 12,
	RADIOTAP_DB_ANTNOISE = 13,
	RADIOTAP_RX_FLAGS = 14,
	RADIOTAP_TX_FLAGS = 15,
	RADIOTAP_RTS_RETRIES = 16,
	RADIOTAP_DATA_RETRIES = 17,
	RADIOTAP_XCHANNEL = 18,
	RADIOTAP_MCS = 19,
	RADIOTAP_AMPDU_STATUS = 20,
	RADIOTAP_VHT = 21,
	RADIOTAP_TIMESTAMP = 22,
	RADIOTAP_HE = 23,
	RADIOTAP_HE_MU = 24,
	RADIOTAP_HE_MU_USER = 25,
	RADIOTAP_ZERO_LEN_PSDU = 26,
	RADIOTAP_LSIG = 27,
	RADIOTAP_TLV = 28,
	RADIOTAP_NS_RADIOTAP = 29,	/* next word: radiotap namespace */
	RADIOTAP_NS_VENDOR = 30,	/* next word: a vendor namespace */
	RADIOTAP_EXT = 31,		/* another presence word follows */
};

/* Flags field (bit 1). */
#define RADIOTAP_F_CFP		0x01
#define RADIOTAP_F_SHORTPRE	0x02
#define RADIOTAP_F_WEP		0x04
#define RADIOTAP_F_FRAG		0x08
#define RADIOTAP_F_FCS		0x10	/* frame ends in the 4-byte FCS */
#define RADIOTAP_F_DATAPAD	0x20	/* header padded to 4 bytes */
#define RADIOTAP_F_BADFCS	0x40
#define RADIOTAP_F_SHORTGI	0x80

/* The fixed part: version, pad, length, first presence word. */
#define RADIOTAP_HDR_MIN	8

/* One field of the radiotap namespace as the iterator found it. */
struct radiotap_field {
	unsigned	 bit;	/* enum radiotap_field_bit */
	const uint8_t	*data;	/* points into the header */
	size_t		 len;
};

/* Walk state; fill with radiotap_iter_init, read with radiotap_iter_next. */
struct radiotap_iter {
	struct cursor	 words;		/* presence words still to read */
	struct cursor	 data;		/* whole header; off = next field */
	uint32_t	 word;		/* the presence word being walked */
	unsigned	 bit;		/* next bit of word to look at */
	unsigned	 base;		/* namespace bit number of bit 0 */
	bool		 vendor;	/* inside a vendor namespace */
	bool		 ext;		/* bit 31 of word: more words follow */
	int		 next_ns;	/* 0 same, 1 radiotap, 2 vendor */
	uint16_t	 vendor_skip;	/* skip_length of the pending vendor
					   namespace */
	bool		 stopped;	/* ended at a field of unknown size */
};

/*
 * Start walking the radiotap header at buf (len captured bytes).  Checks
 * the version, that it_len fits in len and that the chain of presence
 * words fits in it_len.  Borrows buf for the walk.  Returns 0 and the
 * header length in *ret_len, or -EBADMSG.
 */
int	radiotap_iter_init(struct radiotap_iter *it, const uint8_t *buf,
	    size_t len, size_t *ret_len);

/*
 * The next field of the radiotap namespace, in header order.  Returns 1
 * with *ret filled, 0 at the end (including a stop at a field of unknown
 * size, see it->stopped), or -EBADMSG when a field or vendor namespace
 * runs past it_len.
 */
int	radiotap_iter_next(struct radiotap_iter *it,
	    struct radiotap_field *ret);

/*
 * Decode a radiotap header into *r (which it clears first): TSFT, flags
 * (FCS present and bad), rate, channel or XChannel frequency, the first
 * dBm signal and noise, antenna, MCS, VHT and HE.  Returns 0 and the
 * header length in *ret_len, or -EBADMSG for a malformed header (then *r
 * holds what came before the fault).
 */
int	radiotap_decode(const uint8_t *buf, size_t len,
	    struct packet_radio *r, size_t *ret_len);

#endif
