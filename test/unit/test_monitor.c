/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for monitor naming, rfkill and NetworkManager checks
 *
 * The nl80211 parts run against mac80211_hwsim in the VM test
 * (test/hwsim); these are the parts that read files, run here on a
 * sysfs- and proc-shaped tree made in a temporary directory, hard rfkill
 * block included (which hwsim cannot show).
 */

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor.h"
#include "wiphy.h"

static char root[] = "/tmp/osprey-test-monitor.XXXXXX";

static void
put(const char *rel, const char *text)
{
	char path[512], dir[512], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (p = dir + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(dir, 0755);
		*p = '/';
	}
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
test_vif_name(void **state)
{
	char buf[IF_NAMESIZE];

	assert_int_equal(monitor_vif_name("wlan0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "wlan0mon");
	/* 12 + 3 = 15 characters: the longest name the kernel takes */
	assert_int_equal(monitor_vif_name("wlx00c0ca12", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "wlx00c0ca12mon");
	assert_int_equal(monitor_vif_name("wlp3s0abcdef", buf, sizeof(buf)),
	    0);
	assert_int_equal(strlen(buf), 15);
	assert_int_equal(monitor_vif_name("wlp3s0abcdefg", buf, sizeof(buf)),
	    -ENAMETOOLONG);
	assert_int_equal(monitor_vif_name("wlx00c0ca123456", buf,
	    sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(monitor_vif_name("wlan0", buf, 8), -ENAMETOOLONG);
}

static void
test_rfkill(void **state)
{
	char soft[512], want[512];
	bool hard = true, sw = true;

	put("class/ieee80211/phy0/rfkill3/hard", "0\n");
	put("class/ieee80211/phy0/rfkill3/soft", "0\n");
	put("class/ieee80211/phy0/index", "0\n");
	put("class/ieee80211/phy1/rfkill4/hard", "1\n");
	put("class/ieee80211/phy1/rfkill4/soft", "1\n");
	put("class/ieee80211/phy2/index", "2\n");	/* no switch */
	put("class/ieee80211/phy3/rfkill5/hard", "0\n");	/* no soft */

	assert_int_equal(monitor_rfkill_state(root, "phy0", &hard, &sw, soft,
	    sizeof(soft)), 0);
	assert_false(hard);
	assert_false(sw);
	snprintf(want, sizeof(want), "%s/class/ieee80211/phy0/rfkill3/soft",
	    root);
	assert_string_equal(soft, want);

	assert_int_equal(monitor_rfkill_state(root, "phy1", &hard, &sw, soft,
	    sizeof(soft)), 0);
	assert_true(hard);
	assert_true(sw);

	assert_int_equal(monitor_rfkill_state(root, "phy2", &hard, &sw, soft,
	    sizeof(soft)), -ENOENT);
	assert_int_equal(monitor_rfkill_state(root, "phy3", &hard, &sw, soft,
	    sizeof(soft)), -ENOENT);
	assert_int_equal(monitor_rfkill_state(root, "phy9", &hard, &sw, soft,
	    sizeof(soft)), -ENOENT);
	/* names that would leave the directory are refused */
	assert_int_equal(monitor_rfkill_state(root, "../phy0", &hard, &sw,
	    soft, sizeof(soft)), -EINVAL);
	/* the path does not fit */
	assert_int_equal(monitor_rfkill_state(root, "phy0", &hard, &sw, soft,
	    10), -ENAMETOOLONG);
}

static void
test_nm_running(void **state)
{
	char proc[512];

	snprintf(proc, sizeof(proc), "%s/proc", root);
	put("proc/1/comm", "systemd\n");
	put("proc/self/comm", "NetworkManager\n");	/* not a pid */
	put("proc/77/comm", "NetworkManagerX\n");
	assert_false(monitor_nm_running(proc));
	put("proc/812/comm", "NetworkManager\n");
	assert_true(monitor_nm_running(proc));
	assert_false(monitor_nm_running("/nonexistent-osprey"));
}

static void
test_driver(void **state)
{
	char path[512], buf[WIPHY_DRIVER_MAX];

	put("bus/platform/drivers/mac80211_hwsim/uevent", "");
	put("class/ieee80211/phy0/device/uevent", "");
	snprintf(path, sizeof(path), "%s/class/ieee80211/phy0/device/driver",
	    root);
	assert_int_equal(symlink(
	    "../../../../bus/platform/drivers/mac80211_hwsim", path), 0);
	assert_int_equal(wiphy_driver(root, "phy0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mac80211_hwsim");
	assert_int_equal(wiphy_driver(root, "phy0", buf, 5), -ENAMETOOLONG);
	assert_int_equal(wiphy_driver(root, "phy7", buf, sizeof(buf)),
	    -ENOENT);
	assert_int_equal(wiphy_driver(root, "../x", buf, sizeof(buf)),
	    -EINVAL);
	assert_string_equal(wiphy_iftype_name(6), "monitor");
	assert_string_equal(wiphy_iftype_name(2), "managed");
	assert_string_equal(wiphy_iftype_name(4242), "unknown");
}

static int
setup(void **state)
{
	return mkdtemp(root) == NULL ? -1 : 0;
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	return remove(path);
}

static int
teardown(void **state)
{
	return nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vif_name),
		cmocka_unit_test(test_rfkill),
		cmocka_unit_test(test_nm_running),
		cmocka_unit_test(test_driver),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
