/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for EAPOL-Key handshake message detection */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "eapol.h"
#include "frames.h"
#include "packet.h"

static int
parse(const struct fb *f, size_t len, bool cut, struct dot11_eapol *e)
{
	memset(e, 0, sizeof(*e));
	return eapol_parse(f->b, len, cut, e);
}

/* The four messages as an RSN authenticator and supplicant send them. */
static void
test_rsn_handshake(void **state)
{
	struct dot11_eapol e;
	struct fb f;

	f.n = 0;
	fb_eapol_key(&f, 2, 0x008a, 1, 0xa1, 0x00, 22);	/* PMKID KDE */
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 1);
	assert_true(e.replay == 1);
	assert_true(e.has_nonce);
	assert_false(e.has_mic);
	assert_false(e.install);

	f.n = 0;
	fb_eapol_key(&f, 2, 0x010a, 1, 0xb2, 0x5c, 22);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 2);
	assert_true(e.has_nonce && e.has_mic);

	f.n = 0;
	fb_eapol_key(&f, 2, 0x13ca, 2, 0xa1, 0x6d, 56);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 3);
	assert_true(e.install);
	assert_true(e.replay == 2);

	f.n = 0;
	fb_eapol_key(&f, 2, 0x030a, 2, 0x00, 0x7e, 0);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 4);
	assert_false(e.has_nonce);
	assert_int_equal(e.key_info, 0x030a);
}

/*
 * WPA (descriptor 254) never sets Secure, and some supplicants repeat
 * their nonce in message 4: only the key data tells 2 from 4.  Some RSN
 * supplicants set Secure in message 2 of a rekey: the key data decides.
 */
static void
test_two_or_four(void **state)
{
	struct dot11_eapol e;
	struct fb f;

	f.n = 0;
	fb_eapol_key(&f, 254, 0x0109, 1, 0xfe, 0xcc, 0);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 4);
	f.n = 0;
	fb_eapol_key(&f, 254, 0x0109, 1, 0xfe, 0xcc, 24);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 2);
	f.n = 0;
	fb_eapol_key(&f, 2, 0x030a, 3, 0xe8, 0x8d, 22);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 2);
	/* Cut before the key data length: the Secure bit decides. */
	assert_int_equal(parse(&f, 60, true, &e), 0);
	assert_int_equal(e.msg, 4);
	assert_int_equal(eapol_key_msg(0x010a, -1), 2);
}

static void
test_not_handshake(void **state)
{
	struct dot11_eapol e;
	struct fb f;

	/* Group key handshake (no pairwise bit). */
	f.n = 0;
	fb_eapol_key(&f, 2, 0x1382, 5, 0, 0x11, 32);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 0);
	assert_int_equal(e.key_info, 0x1382);
	/* EAP packet, EAPOL-Start: not Key frames at all. */
	f.n = 0;
	fb_u8(&f, 2);
	fb_u8(&f, 0);
	fb_be16(&f, 5);
	fb_bytes(&f, "\x01\x01\x00\x05\x01", 5);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.key_info, 0);
	f.b[1] = 1;
	assert_int_equal(parse(&f, 4, false, &e), 0);
	/* RC4 descriptor (type 1, dynamic WEP): not a handshake. */
	f.n = 0;
	fb_eapol_key(&f, 1, 0x008a, 1, 0xa1, 0, 0);
	assert_int_equal(parse(&f, f.n, false, &e), 0);
	assert_int_equal(e.msg, 0);
	assert_int_equal(e.key_info, 0);
	/* No message without MIC or ACK. */
	assert_int_equal(eapol_key_msg(0x0008, 0), 0);
}

static void
test_truncated(void **state)
{
	struct dot11_eapol e;
	struct fb f;

	f.n = 0;
	fb_eapol_key(&f, 2, 0x008a, 1, 0xa1, 0, 0);
	assert_int_equal(parse(&f, 3, false, &e), -EBADMSG);
	assert_int_equal(parse(&f, 3, true, &e), 0);
	assert_int_equal(parse(&f, 6, false, &e), -EBADMSG);
	assert_int_equal(parse(&f, 50, false, &e), -EBADMSG);
	/* Cut by the capture: key information is enough for message 1. */
	assert_int_equal(parse(&f, 7, true, &e), 0);
	assert_int_equal(e.msg, 1);
	assert_false(e.has_nonce);
	assert_int_equal(parse(&f, f.n - 1, true, &e), 0);
	assert_int_equal(e.msg, 1);
	assert_true(e.has_nonce);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsn_handshake),
		cmocka_unit_test(test_two_or_four),
		cmocka_unit_test(test_not_handshake),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
