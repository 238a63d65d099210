/* SPDX-License-Identifier: ISC */
/* \summary: netlink context of the Wi-Fi helper: nl80211 and link up/down */

#include <sys/socket.h>

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/nl80211.h>
#include <linux/rtnetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "log.h"
#include "nl80211.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/*
 * A wiphy dump of a big phy runs to tens of kilobytes even when split,
 * and events arrive in bursts when interfaces come and go: a receive
 * buffer well above the 208 KiB default keeps ENOBUFS away.
 */
#define NL80211_RCVBUF		(512 * 1024)

struct nl80211 {
	struct nl_sock	*cmd;
	struct nl_sock	*evt;
	struct nl_sock	*route;
	struct nl_cb	*cb;		/* replies on cmd and route */
	struct nl_cb	*evcb;		/* events on evt */
	int		 family;

	/* The request in progress. */
	nl80211_reply_fn fn;
	void		*arg;
	bool		 genl;		/* replies carry nl80211 attributes */
	bool		 done;
	int		 err;
	int		 nevents;
	unsigned int	 link_flags;
	int		 link_index;
	char		 errmsg[256];
	struct nlattr	*tb[NL80211_ATTR_MAX + 1];
};

/*
 * The top-level attributes the helper reads.  Others pass unchecked and
 * unread.  Replies are parsed up to the highest of them only: nla_parse
 * skips attributes above its limit, and the slots of tb above it stay
 * NULL (tb is zeroed when allocated), so the policy needs no entries for
 * the other two hundred attributes (about 1 KB in the helper,
 * doc/helpers.md "Size").  An attribute read above the limit would be
 * refused here at compile time, by its index in the initialiser.
 */
#define NL80211_ATTR_READ_MAX	NL80211_ATTR_CENTER_FREQ2

static const struct nla_policy nl80211_policy[NL80211_ATTR_READ_MAX + 1] = {
	[NL80211_ATTR_WIPHY] = { .type = NLA_U32 },
	[NL80211_ATTR_WIPHY_NAME] = { .type = NLA_STRING },
	[NL80211_ATTR_IFINDEX] = { .type = NLA_U32 },
	[NL80211_ATTR_IFNAME] = { .type = NLA_STRING },
	[NL80211_ATTR_IFTYPE] = { .type = NLA_U32 },
	[NL80211_ATTR_MAC] = { .type = NLA_UNSPEC, .minlen = 6 },
	[NL80211_ATTR_WIPHY_BANDS] = { .type = NLA_NESTED },
	[NL80211_ATTR_SUPPORTED_IFTYPES] = { .type = NLA_NESTED },
	[NL80211_ATTR_WIPHY_FREQ] = { .type = NLA_U32 },
	[NL80211_ATTR_WIPHY_CHANNEL_TYPE] = { .type = NLA_U32 },
	[NL80211_ATTR_CHANNEL_WIDTH] = { .type = NLA_U32 },
	[NL80211_ATTR_CENTER_FREQ1] = { .type = NLA_U32 },
	[NL80211_ATTR_CENTER_FREQ2] = { .type = NLA_U32 },
	[NL80211_ATTR_WDEV] = { .type = NLA_U64 },
	[NL80211_ATTR_GENERATION] = { .type = NLA_U32 },
};

static struct nla_policy nl80211_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
};

/* libnl speaks its own error codes; the rest of osprey speaks errno. */
static int
nl80211_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

static int
nl80211_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl80211 *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	struct ifinfomsg *ifi;
	int r;

	if (!nl->genl) {
		/* rtnetlink: the only reply read is RTM_NEWLINK */
		if (nlh->nlmsg_type != RTM_NEWLINK)
			return NL_SKIP;
		if (nlmsg_datalen(nlh) < (int)sizeof(*ifi)) {
			if (nl->err == 0)
				nl->err = -EBADMSG;
			return NL_SKIP;
		}
		ifi = nlmsg_data(nlh);
		nl->link_flags = ifi->ifi_flags;
		nl->link_index = ifi->ifi_index;
		return NL_SKIP;
	}
	if (!genlmsg_valid_hdr(nlh, 0)) {
		if (nl->err == 0)
			nl->err = -EBADMSG;
		return NL_SKIP;
	}
	gnlh = nlmsg_data(nlh);
	if (genlmsg_parse(nlh, 0, nl->tb, NL80211_ATTR_READ_MAX,
	    nl80211_policy) < 0) {
		log_debug("nl80211: reply to command %u fails the policy",
		    gnlh->cmd);
		if (nl->err == 0)
			nl->err = -EBADMSG;
		return NL_SKIP;
	}
	nl->nevents++;
	if (nl->fn != NULL && nl->err == 0 &&
	    (r = nl->fn(gnlh->cmd, nl->tb, nl->arg)) < 0)
		nl->err = r;
	return NL_SKIP;
}

/*
 * An error ACK: keep the errno and, when the kernel attached one, its
 * reason.  With NETLINK_CAP_ACK the echoed request is cut to its header,
 * so the TLVs follow struct nlmsgerr directly; without it (old kernels)
 * they follow the whole echoed request.
 */
static int
nl80211_error_cb(struct sockaddr_nl *sa, struct nlmsgerr *e, void *arg)
{
	struct nl80211 *nl = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((uint8_t *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e), total;

	nl->err = e->error < 0 ? e->error : -EIO;
	nl->done = true;
	total = nlh->nlmsg_len >= NLMSG_HDRLEN ?
	    nlh->nlmsg_len - NLMSG_HDRLEN : 0;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0)
		return NL_STOP;
	if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return NL_STOP;
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (off >= total)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((uint8_t *)e +
	    off), (int)(total - off), nl80211_ack_policy) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG] != NULL)
		nla_strlcpy(nl->errmsg, tb[NLMSGERR_ATTR_MSG],
		    sizeof(nl->errmsg));
	return NL_STOP;
}

static int
nl80211_finish_cb(struct nl_msg *msg, void *arg)
{
	struct nl80211 *nl = arg;

	nl->done = true;
	return NL_SKIP;
}

static int
nl80211_ack_cb(struct nl_msg *msg, void *arg)
{
	struct nl80211 *nl = arg;

	nl->done = true;
	return NL_STOP;
}

/* Events come unasked: no sequence numbers to match. */
static int
nl80211_noseq_cb(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

/* Extended ACK with capped echo, a bigger buffer, peeking reads. */
static int
nl80211_sock_setup(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one)) < 0)
		log_debug("nl80211: no extended ACK: %s", strerror(errno));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
	    sizeof(one)) < 0)
		log_debug("nl80211: no capped ACK: %s", strerror(errno));
	nl_socket_enable_msg_peek(sk);
	return nl80211_errno(nl_socket_set_buffer_size(sk, NL80211_RCVBUF,
	    0));
}

static struct nl_sock *
nl80211_sock(int protocol, int *err)
{
	struct nl_sock *sk;
	int r;

	if ((sk = nl_socket_alloc()) == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	if ((r = nl_connect(sk, protocol)) < 0)
		r = nl80211_errno(r);
	else
		r = nl80211_sock_setup(sk);
	if (r < 0) {
		*err = r;
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int
nl80211_open(struct nl80211 **ret)
{
	struct nl80211 *nl;
	int r = -ENOMEM;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return -ENOMEM;
	if ((nl->cmd = nl80211_sock(NETLINK_GENERIC, &r)) == NULL ||
	    (nl->evt = nl80211_sock(NETLINK_GENERIC, &r)) == NULL ||
	    (nl->route = nl80211_sock(NETLINK_ROUTE, &r)) == NULL)
		goto fail;
	r = -ENOMEM;
	if ((nl->cb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL ||
	    (nl->evcb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL)
		goto fail;
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, nl80211_valid_cb, nl);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, nl80211_finish_cb, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, nl80211_ack_cb, nl);
	nl_cb_err(nl->cb, NL_CB_CUSTOM, nl80211_error_cb, nl);
	nl_cb_set(nl->evcb, NL_CB_VALID, NL_CB_CUSTOM, nl80211_valid_cb, nl);
	nl_cb_set(nl->evcb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, nl80211_noseq_cb,
	    NULL);
	if ((r = nl_socket_set_nonblocking(nl->evt)) < 0) {
		r = nl80211_errno(r);
		goto fail;
	}
	if ((nl->family = genl_ctrl_resolve(nl->cmd, "nl80211")) < 0) {
		log_debug("nl80211: family not found: %s",
		    nl_geterror(nl->family));
		r = -ENOENT;
		goto fail;
	}
	*ret = nl;
	return 0;
fail:
	nl80211_close(nl);
	return r;
}

void
nl80211_close(struct nl80211 *nl)
{
	if (nl == NULL)
		return;
	if (nl->cb != NULL)
		nl_cb_put(nl->cb);
	if (nl->evcb != NULL)
		nl_cb_put(nl->evcb);
	if (nl->cmd != NULL)
		nl_socket_free(nl->cmd);
	if (nl->evt != NULL)
		nl_socket_free(nl->evt);
	if (nl->route != NULL)
		nl_socket_free(nl->route);
	free(nl);
}

struct nl_msg *
nl80211_msg(struct nl80211 *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc()) == NULL)
		return NULL;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
	    cmd, 0) == NULL) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send msg (consumed) on sk and read until ACK, DONE or error. */
static int
nl80211_transact(struct nl80211 *nl, struct nl_sock *sk, struct nl_msg *msg,
    bool genl, nl80211_reply_fn fn, void *arg)
{
	int r;

	nl->fn = fn;
	nl->arg = arg;
	nl->genl = genl;
	nl->done = false;
	nl->err = 0;
	nl->errmsg[0] = '\0';
	r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return nl80211_errno(r);
	while (!nl->done) {
		if ((r = nl_recvmsgs(sk, nl->cb)) < 0) {
			if (nl->err == 0)
				nl->err = nl80211_errno(r);
			break;
		}
	}
	nl->fn = NULL;
	if (nl->err < 0)
		log_debug("nl80211: request failed: %s%s%s",
		    strerror(-nl->err), nl->errmsg[0] != '\0' ? ": " : "",
		    nl->errmsg);
	return nl->err;
}

int
nl80211_request(struct nl80211 *nl, struct nl_msg *msg, nl80211_reply_fn fn,
    void *arg)
{
	return nl80211_transact(nl, nl->cmd, msg, true, fn, arg);
}

const char *
nl80211_errmsg(const struct nl80211 *nl)
{
	return nl->errmsg;
}

int
nl80211_subscribe(struct nl80211 *nl, const char *group)
{
	int id, r;

	if ((id = genl_ctrl_resolve_grp(nl->cmd, "nl80211", group)) < 0)
		return nl80211_errno(id);
	if ((r = nl_socket_add_membership(nl->evt, id)) < 0)
		return nl80211_errno(r);
	return 0;
}

int
nl80211_event_fd(const struct nl80211 *nl)
{
	return nl_socket_get_fd(nl->evt);
}

int
nl80211_event_read(struct nl80211 *nl, nl80211_reply_fn fn, void *arg)
{
	int r;

	nl->fn = fn;
	nl->arg = arg;
	nl->genl = true;
	nl->err = 0;
	nl->nevents = 0;
	for (;;) {
		r = nl_recvmsgs(nl->evt, nl->evcb);
		if (r == -NLE_AGAIN) {
			r = 0;
			break;
		}
		if (r < 0) {
			r = nl80211_errno(r);
			break;
		}
	}
	nl->fn = NULL;
	if (r < 0)
		return r;
	return nl->err < 0 ? nl->err : nl->nevents;
}

/* An rtnetlink link request for ifindex. */
static struct nl_msg *
nl80211_link_msg(int type, uint32_t ifindex, unsigned int flags,
    unsigned int change)
{
	struct ifinfomsg ifi;
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(type, 0)) == NULL)
		return NULL;
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = (int)ifindex;
	ifi.ifi_flags = flags;
	ifi.ifi_change = change;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int
nl80211_link_flags(struct nl80211 *nl, uint32_t ifindex, unsigned int *ret)
{
	struct nl_msg *msg;
	int r;

	if ((msg = nl80211_link_msg(RTM_GETLINK, ifindex, 0, 0)) == NULL)
		return -ENOMEM;
	nl->link_flags = 0;
	if ((r = nl80211_transact(nl, nl->route, msg, false, NULL, NULL)) < 0)
		return r;
	*ret = nl->link_flags;
	return 0;
}

int
nl80211_link_index(struct nl80211 *nl, const char *name, uint32_t *ret)
{
	struct nl_msg *msg;
	int r;

	if (strlen(name) >= IF_NAMESIZE)
		return -ENODEV;
	if ((msg = nl80211_link_msg(RTM_GETLINK, 0, 0, 0)) == NULL)
		return -ENOMEM;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->link_index = 0;
	if ((r = nl80211_transact(nl, nl->route, msg, false, NULL, NULL)) < 0)
		return r;
	if (nl->link_index <= 0)
		return -ENODEV;
	*ret = (uint32_t)nl->link_index;
	return 0;
}

int
nl80211_link_set_up(struct nl80211 *nl, uint32_t ifindex, bool up)
{
	struct nl_msg *msg;

	if ((msg = nl80211_link_msg(RTM_NEWLINK, ifindex, up ? IFF_UP : 0,
	    IFF_UP)) == NULL)
		return -ENOMEM;
	return nl80211_transact(nl, nl->route, msg, false, NULL, NULL);
}
