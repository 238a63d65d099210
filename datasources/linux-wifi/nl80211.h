/* SPDX-License-Identifier: ISC */
/*
 * \summary: netlink context of the Wi-Fi helper: nl80211 and link up/down
 *
 * One context holds every netlink socket the helper needs, all opened
 * before the helper drops privileges and enters its sandbox (which
 * forbids socket()):
 *
 *	cmd	generic netlink, nl80211 requests and their replies
 *	evt	generic netlink, nl80211 multicast events (non-blocking)
 *	route	rtnetlink, to bring interfaces up and down
 *
 * Requests are synchronous: send, then read replies until the kernel's
 * ACK, DONE or error.  Extended ACKs are on, so a refused request comes
 * back with the kernel's own reason (nl80211_errmsg).  Every reply is
 * parsed against an nla_policy before a callback sees it.
 */
#ifndef LINUX_WIFI_NL80211_H
#define LINUX_WIFI_NL80211_H

#include <stdbool.h>
#include <stdint.h>

struct nl80211;
struct nl_msg;
struct nlattr;

/*
 * Called once per reply or event with its nl80211 command and its
 * top-level attributes, indexed by NL80211_ATTR_* and checked against
 * nl80211.c's policy (absent ones are NULL).  Return 0, or a negative
 * errno that becomes the request's result; the remaining replies are
 * still read so the socket stays in step.
 */
typedef int (*nl80211_reply_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

/*
 * Open the command, event and route sockets and resolve the nl80211
 * family.  Returns 0 and a context the caller frees with nl80211_close(),
 * -ENOENT when the kernel has no nl80211 (cfg80211 not loaded or built),
 * -ENOMEM, or another -errno from socket setup.
 */
int	nl80211_open(struct nl80211 **ret);
void	nl80211_close(struct nl80211 *);

/*
 * A new nl80211 request for cmd with extra netlink flags (NLM_F_DUMP),
 * for the caller to add attributes to and pass to nl80211_request().
 * NULL when out of memory.
 */
struct nl_msg *nl80211_msg(struct nl80211 *, uint8_t cmd, int flags);

/*
 * Send msg (consumed on every path) and read its replies, calling fn (may
 * be NULL) for each.  Returns 0, the kernel's -errno (with its reason in
 * nl80211_errmsg()), fn's first error, or -EMSGSIZE/-ENOMEM/-EIO when
 * the exchange itself failed.
 */
int	nl80211_request(struct nl80211 *, struct nl_msg *msg,
	    nl80211_reply_fn fn, void *arg);

/*
 * The kernel's extended-ACK text for the last failed request, or "" when
 * it gave none.  Valid until the next request.
 */
const char *nl80211_errmsg(const struct nl80211 *);

/* Join an nl80211 multicast group ("config", "mlme", ...); 0 or -errno. */
int	nl80211_subscribe(struct nl80211 *, const char *group);

/* The event socket's descriptor, to poll for POLLIN. */
int	nl80211_event_fd(const struct nl80211 *);

/*
 * Read every pending event without blocking, calling fn for each.
 * Returns the number of events read, or -errno when the socket failed
 * (-ENOMEM when the kernel dropped events, as libnl reports ENOBUFS:
 * the caller re-reads the state it follows).
 */
int	nl80211_event_read(struct nl80211 *, nl80211_reply_fn fn, void *arg);

/* The IFF_* flags of a network interface; 0 or -errno (-ENODEV). */
int	nl80211_link_flags(struct nl80211 *, uint32_t ifindex,
	    unsigned int *ret);

/*
 * The index of the network interface named name (any kind), asked of
 * rtnetlink so that it works inside the sandbox.  0 or -ENODEV.
 */
int	nl80211_link_index(struct nl80211 *, const char *name, uint32_t *ret);

/* Bring an interface up or down (IFF_UP); 0 or -errno (-ERFKILL). */
int	nl80211_link_set_up(struct nl80211 *, uint32_t ifindex, bool up);

#endif
