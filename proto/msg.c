/* SPDX-License-Identifier: ISC */
/*
 * \summary: typed messages of the datasource protocol, encode and decode
 *
 * The only file that sees protobuf-c's generated structs.  Encoding builds
 * them on the stack around the caller's pointers (no copy of packet data
 * other than into the output buffer); decoding unpacks into an arena and
 * points the typed union at the unpacked fields.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "kismet_datasource.pb-c.h"
#include "kismet_external.pb-c.h"
#include "msg.h"

/* protobuf-c's generated names are long; these keep the code readable. */
typedef KismetExternal__MsgbusMessage PbText;
typedef KismetDatasource__SubChannels PbChannels;
typedef KismetDatasource__SubChanset PbChanset;
typedef KismetDatasource__SubChanhop PbHop;
typedef KismetDatasource__SubGps PbGps;
typedef KismetDatasource__SubInterface PbIface;
typedef KismetDatasource__SubPacket PbPacket;
typedef KismetDatasource__SubSignal PbSignal;
typedef KismetDatasource__SubSuccess PbSuccess;
typedef KismetDatasource__SubJson PbJson;

static const ProtobufCMessageDescriptor *const msg_descriptors[MSG_TYPE_COUNT] = {
	[MSG_MESSAGE] = &kismet_external__msgbus_message__descriptor,
	[MSG_PING] = &kismet_external__ping__descriptor,
	[MSG_PONG] = &kismet_external__pong__descriptor,
	[MSG_SHUTDOWN] = &kismet_external__external_shutdown__descriptor,
	[MSG_SYSTEMREGISTER] = &kismet_external__system_register__descriptor,
	[MSG_PROBESOURCE] = &kismet_datasource__probe_source__descriptor,
	[MSG_PROBESOURCEREPORT] =
	    &kismet_datasource__probe_source_report__descriptor,
	[MSG_OPENSOURCE] = &kismet_datasource__open_source__descriptor,
	[MSG_OPENSOURCEREPORT] =
	    &kismet_datasource__open_source_report__descriptor,
	[MSG_LISTINTERFACES] = &kismet_datasource__list_interfaces__descriptor,
	[MSG_INTERFACESREPORT] =
	    &kismet_datasource__interfaces_report__descriptor,
	[MSG_CONFIGURE] = &kismet_datasource__configure__descriptor,
	[MSG_CONFIGUREREPORT] =
	    &kismet_datasource__configure_report__descriptor,
	[MSG_DATAREPORT] = &kismet_datasource__data_report__descriptor,
	[MSG_ERRORREPORT] = &kismet_datasource__error_report__descriptor,
	[MSG_NEWSOURCE] = &kismet_datasource__new_source__descriptor,
	[MSG_CLOSEDATASOURCE] =
	    &kismet_datasource__close_datasource__descriptor,
	[MSG_WARNINGREPORT] = &kismet_datasource__warning_report__descriptor,
};

/*
 * Encoding.
 */

/* Sub-messages an outgoing message may point at, all on the stack. */
struct enc_parts {
	PbText		 text;
	PbSuccess	 success;
	PbChannels	 channels;
	PbChanset	 chanset;
	PbHop		 hop;
	PbGps		 gps;
	PbPacket	 packet;
	PbSignal	 signal;
	PbJson		 json;
};

static int
enc_channels(const struct msg_channels *in, size_t *ret_n, char ***ret)
{
	size_t i;

	for (i = 0; i < in->count; i++)
		if (in->list[i] == NULL)
			return -PROTO_ERR_INVALID;
	*ret_n = in->count;
	*ret = (char **)in->list;
	return 0;
}

/* An optional MsgbusMessage: NULL when there is no text. */
static PbText *
enc_text(const struct msg_text *in, PbText *pb)
{
	if (in->text == NULL)
		return NULL;
	kismet_external__msgbus_message__init(pb);
	pb->msgtype = (KismetExternal__MsgbusMessage__MessageType)in->level;
	pb->msgtext = (char *)in->text;
	return pb;
}

static PbSuccess *
enc_result(const struct msg_result *in, PbSuccess *pb)
{
	kismet_datasource__sub_success__init(pb);
	pb->success = in->success;
	pb->seqno = in->seqno;
	return pb;
}

static PbChanset *
enc_chanset(const char *channel, PbChanset *pb)
{
	if (channel == NULL)
		return NULL;
	kismet_datasource__sub_chanset__init(pb);
	pb->channel = (char *)channel;
	return pb;
}

static int
enc_hop(const struct msg_hop *in, PbHop *pb)
{
	kismet_datasource__sub_chanhop__init(pb);
	if (enc_channels(&in->channels, &pb->n_channels, &pb->channels) < 0)
		return -PROTO_ERR_INVALID;
	pb->has_rate = in->has_rate;
	pb->rate = in->rate;
	pb->has_shuffle = in->has_shuffle;
	pb->shuffle = in->shuffle;
	pb->has_shuffle_skip = in->has_shuffle_skip;
	pb->shuffle_skip = in->shuffle_skip;
	pb->has_offset = in->has_offset;
	pb->offset = in->offset;
	return 0;
}

static int
enc_data_report(const struct msg_data_report *in,
    KismetDatasource__DataReport *pb, struct enc_parts *p)
{
	kismet_datasource__data_report__init(pb);
	if (in->has_gps) {
		if (in->gps.type == NULL || in->gps.name == NULL)
			return -PROTO_ERR_INVALID;
		kismet_datasource__sub_gps__init(&p->gps);
		p->gps.lat = in->gps.lat;
		p->gps.lon = in->gps.lon;
		p->gps.alt = in->gps.alt;
		p->gps.speed = in->gps.speed;
		p->gps.heading = in->gps.heading;
		p->gps.precision = in->gps.precision;
		p->gps.fix = in->gps.fix;
		p->gps.time_sec = in->gps.time_sec;
		p->gps.time_usec = in->gps.time_usec;
		p->gps.type = (char *)in->gps.type;
		p->gps.name = (char *)in->gps.name;
		p->gps.has_high_prec_time = in->gps.has_high_prec_time;
		p->gps.high_prec_time = in->gps.high_prec_time;
		pb->gps = &p->gps;
	}
	pb->message = enc_text(&in->message, &p->text);
	if (in->has_packet) {
		if (in->packet.data == NULL && in->packet.caplen != 0)
			return -PROTO_ERR_INVALID;
		kismet_datasource__sub_packet__init(&p->packet);
		p->packet.time_sec = in->packet.ts_sec;
		p->packet.time_usec = in->packet.ts_usec;
		p->packet.dlt = in->packet.dlt;
		p->packet.size = in->packet.size;
		p->packet.data.data = (uint8_t *)in->packet.data;
		p->packet.data.len = in->packet.caplen;
		p->packet.has_cap_size = in->packet.has_cap_size;
		p->packet.cap_size = in->packet.cap_size;
		pb->packet = &p->packet;
	}
	if (in->has_signal) {
		const struct msg_signal *s = &in->signal;

		kismet_datasource__sub_signal__init(&p->signal);
		p->signal.has_signal_dbm = s->has_signal_dbm;
		p->signal.signal_dbm = s->signal_dbm;
		p->signal.has_noise_dbm = s->has_noise_dbm;
		p->signal.noise_dbm = s->noise_dbm;
		p->signal.has_signal_rssi = s->has_signal_rssi;
		p->signal.signal_rssi = s->signal_rssi;
		p->signal.has_noise_rssi = s->has_noise_rssi;
		p->signal.noise_rssi = s->noise_rssi;
		p->signal.has_freq_khz = s->has_freq_khz;
		p->signal.freq_khz = s->freq_khz;
		p->signal.channel = (char *)s->channel;
		p->signal.has_datarate = s->has_datarate;
		p->signal.datarate = s->datarate;
		pb->signal = &p->signal;
	}
	pb->warning = (char *)in->warning;
	if (in->has_json) {
		if (in->json.type == NULL || in->json.json == NULL)
			return -PROTO_ERR_INVALID;
		kismet_datasource__sub_json__init(&p->json);
		p->json.time_sec = in->json.time_sec;
		p->json.time_usec = in->json.time_usec;
		p->json.type = (char *)in->json.type;
		p->json.json = (char *)in->json.json;
		pb->json = &p->json;
	}
	return 0;
}

/* All generated message types, so one stack slot holds any of them. */
union enc_msg {
	ProtobufCMessage			 base;
	PbText					 text;
	KismetExternal__Ping			 ping;
	KismetExternal__Pong			 pong;
	KismetExternal__ExternalShutdown	 shutdown;
	KismetExternal__SystemRegister		 sysreg;
	KismetDatasource__ProbeSource		 probe;
	KismetDatasource__ProbeSourceReport	 probe_report;
	KismetDatasource__OpenSource		 open;
	KismetDatasource__OpenSourceReport	 open_report;
	KismetDatasource__ListInterfaces	 list;
	KismetDatasource__InterfacesReport	 ifaces_report;
	KismetDatasource__Configure		 configure;
	KismetDatasource__ConfigureReport	 configure_report;
	KismetDatasource__DataReport		 data_report;
	KismetDatasource__ErrorReport		 error_report;
	KismetDatasource__NewSource		 new_source;
	KismetDatasource__CloseDatasource	 close;
	KismetDatasource__WarningReport		 warning_report;
};

/*
 * Fill pb for m.  Interface lists are the one variable-size part; their
 * arrays come from the heap and are returned in *ret_heap to be freed.
 */
static int
enc_build(const struct msg *m, union enc_msg *pb, struct enc_parts *p,
    void **ret_heap)
{
	const struct msg_interfaces_report *ir;
	PbIface *ifs, **ifp;
	size_t i;

	switch (m->type) {
	case MSG_MESSAGE:
		if (m->u.message.text == NULL)
			return -PROTO_ERR_INVALID;
		(void)enc_text(&m->u.message, &pb->text);
		return 0;
	case MSG_PING:
		kismet_external__ping__init(&pb->ping);
		return 0;
	case MSG_PONG:
		kismet_external__pong__init(&pb->pong);
		pb->pong.ping_seqno = m->u.pong_seqno;
		return 0;
	case MSG_SHUTDOWN:
		kismet_external__external_shutdown__init(&pb->shutdown);
		pb->shutdown.reason = (char *)m->u.shutdown_reason;
		return m->u.shutdown_reason == NULL ? -PROTO_ERR_INVALID : 0;
	case MSG_SYSTEMREGISTER:
		kismet_external__system_register__init(&pb->sysreg);
		pb->sysreg.subsystem = (char *)m->u.subsystem;
		return m->u.subsystem == NULL ? -PROTO_ERR_INVALID : 0;
	case MSG_PROBESOURCE:
		kismet_datasource__probe_source__init(&pb->probe);
		pb->probe.definition = (char *)m->u.definition;
		return m->u.definition == NULL ? -PROTO_ERR_INVALID : 0;
	case MSG_OPENSOURCE:
		kismet_datasource__open_source__init(&pb->open);
		pb->open.definition = (char *)m->u.definition;
		return m->u.definition == NULL ? -PROTO_ERR_INVALID : 0;
	case MSG_PROBESOURCEREPORT: {
		const struct msg_probe_report *r = &m->u.probe_report;
		KismetDatasource__ProbeSourceReport *o = &pb->probe_report;

		kismet_datasource__probe_source_report__init(o);
		o->success = enc_result(&r->result, &p->success);
		o->message = enc_text(&r->message, &p->text);
		if (r->has_channels) {
			kismet_datasource__sub_channels__init(&p->channels);
			if (enc_channels(&r->channels, &p->channels.n_channels,
			    &p->channels.channels) < 0)
				return -PROTO_ERR_INVALID;
			o->channels = &p->channels;
		}
		o->channel = enc_chanset(r->channel, &p->chanset);
		o->hardware = (char *)r->hardware;
		return 0;
	}
	case MSG_OPENSOURCEREPORT: {
		const struct msg_open_report *r = &m->u.open_report;
		KismetDatasource__OpenSourceReport *o = &pb->open_report;

		kismet_datasource__open_source_report__init(o);
		o->success = enc_result(&r->result, &p->success);
		o->has_dlt = r->has_dlt;
		o->dlt = r->dlt;
		o->capture_interface = (char *)r->capture_interface;
		if (r->has_channels) {
			kismet_datasource__sub_channels__init(&p->channels);
			if (enc_channels(&r->channels, &p->channels.n_channels,
			    &p->channels.channels) < 0)
				return -PROTO_ERR_INVALID;
			o->channels = &p->channels;
		}
		o->channel = enc_chanset(r->channel, &p->chanset);
		if (r->has_hop) {
			if (enc_hop(&r->hop, &p->hop) < 0)
				return -PROTO_ERR_INVALID;
			o->hop_config = &p->hop;
		}
		o->hardware = (char *)r->hardware;
		o->message = enc_text(&r->message, &p->text);
		o->uuid = (char *)r->uuid;
		o->warning = (char *)r->warning;
		return 0;
	}
	case MSG_LISTINTERFACES:
		kismet_datasource__list_interfaces__init(&pb->list);
		return 0;
	case MSG_INTERFACESREPORT:
		ir = &m->u.interfaces_report;
		kismet_datasource__interfaces_report__init(&pb->ifaces_report);
		pb->ifaces_report.success = enc_result(&ir->result, &p->success);
		pb->ifaces_report.message = enc_text(&ir->message, &p->text);
		if (ir->n_ifaces == 0)
			return 0;
		if (ir->n_ifaces > FRAME_MAX_PAYLOAD / 4)
			return -PROTO_ERR_TOOBIG;
		ifs = calloc(ir->n_ifaces, sizeof(*ifs) + sizeof(*ifp));
		if (ifs == NULL)
			return -ENOMEM;
		ifp = (PbIface **)(ifs + ir->n_ifaces);
		for (i = 0; i < ir->n_ifaces; i++) {
			const struct msg_iface *in = &ir->ifaces[i];

			if (in->interface == NULL) {
				free(ifs);
				return -PROTO_ERR_INVALID;
			}
			kismet_datasource__sub_interface__init(&ifs[i]);
			ifs[i].interface = (char *)in->interface;
			ifs[i].flags = (char *)(in->flags ? in->flags : "");
			ifs[i].hardware = (char *)in->hardware;
			ifs[i].capinterface = (char *)in->capinterface;
			ifp[i] = &ifs[i];
		}
		pb->ifaces_report.n_interfaces = ir->n_ifaces;
		pb->ifaces_report.interfaces = ifp;
		*ret_heap = ifs;
		return 0;
	case MSG_CONFIGURE:
		kismet_datasource__configure__init(&pb->configure);
		pb->configure.channel = enc_chanset(m->u.configure.channel,
		    &p->chanset);
		if (m->u.configure.has_hop) {
			if (enc_hop(&m->u.configure.hop, &p->hop) < 0)
				return -PROTO_ERR_INVALID;
			pb->configure.hopping = &p->hop;
		}
		return 0;
	case MSG_CONFIGUREREPORT: {
		const struct msg_configure_report *r = &m->u.configure_report;
		KismetDatasource__ConfigureReport *o = &pb->configure_report;

		kismet_datasource__configure_report__init(o);
		o->success = enc_result(&r->result, &p->success);
		o->channel = enc_chanset(r->channel, &p->chanset);
		if (r->has_hop) {
			if (enc_hop(&r->hop, &p->hop) < 0)
				return -PROTO_ERR_INVALID;
			o->hopping = &p->hop;
		}
		o->message = enc_text(&r->message, &p->text);
		o->warning = (char *)r->warning;
		return 0;
	}
	case MSG_DATAREPORT:
		return enc_data_report(&m->u.data_report, &pb->data_report, p);
	case MSG_ERRORREPORT:
		kismet_datasource__error_report__init(&pb->error_report);
		pb->error_report.success = enc_result(&m->u.error_report.result,
		    &p->success);
		pb->error_report.message = enc_text(&m->u.error_report.message,
		    &p->text);
		return 0;
	case MSG_NEWSOURCE: {
		const struct msg_new_source *n = &m->u.new_source;

		if (n->definition == NULL || n->sourcetype == NULL ||
		    n->uuid == NULL)
			return -PROTO_ERR_INVALID;
		kismet_datasource__new_source__init(&pb->new_source);
		pb->new_source.definition = (char *)n->definition;
		pb->new_source.sourcetype = (char *)n->sourcetype;
		pb->new_source.uuid = (char *)n->uuid;
		return 0;
	}
	case MSG_CLOSEDATASOURCE:
		kismet_datasource__close_datasource__init(&pb->close);
		return 0;
	case MSG_WARNINGREPORT:
		kismet_datasource__warning_report__init(&pb->warning_report);
		pb->warning_report.warning = (char *)m->u.warning;
		return m->u.warning == NULL ? -PROTO_ERR_INVALID : 0;
	case MSG_UNKNOWN:
	case MSG_TYPE_COUNT:
		break;
	}
	return -PROTO_ERR_INVALID;
}

ssize_t
msg_encode_version(const struct msg *m, unsigned version, uint8_t *buf,
    size_t cap)
{
	union enc_msg pb;
	struct enc_parts parts;
	void *heap = NULL;
	size_t len, pre;
	ssize_t r;

	if (version != 1 && version != FRAME_VERSION)
		return -PROTO_ERR_VERSION;
	if ((r = enc_build(m, &pb, &parts, &heap)) < 0)
		return r;
	len = protobuf_c_message_get_packed_size(&pb.base);
	/* v1 wraps the message in a Command after a 12-byte header. */
	pre = version == 1 ? frame_v1_prefix_len(m->type, m->seqno, len) :
	    FRAME_HDR_LEN;
	if (len > FRAME_MAX_PAYLOAD)
		r = -PROTO_ERR_TOOBIG;
	else if (cap < pre || cap - pre < len)
		r = -PROTO_ERR_NOSPACE;
	else {
		if (version == 1)
			frame_v1_write_header(buf, m->type, m->seqno, len);
		else
			frame_write_header(buf, m->type, m->seqno, len);
		(void)protobuf_c_message_pack(&pb.base, buf + pre);
		if (version == 1)
			frame_v1_seal(buf, pre + len);
		r = (ssize_t)(pre + len);
	}
	free(heap);
	return r;
}

ssize_t
msg_encode(const struct msg *m, uint8_t *buf, size_t cap)
{
	return msg_encode_version(m, FRAME_VERSION, buf, cap);
}

/*
 * Decoding.
 */

int
msg_arena_init(struct msg_arena *a, size_t size)
{
	a->used = 0;
	a->size = size;
	if ((a->buf = malloc(size)) == NULL)
		return -ENOMEM;
	return 0;
}

void
msg_arena_free(struct msg_arena *a)
{
	free(a->buf);
	a->buf = NULL;
	a->size = a->used = 0;
}

static void *
arena_alloc(void *data, size_t size)
{
	struct msg_arena *a = data;
	size_t need = (size + 15) & ~(size_t)15;

	if (need >= size && a->size - a->used >= need) {
		void *p = a->buf + a->used;

		a->used += need;
		return p;
	}
	return malloc(size);
}

static void
arena_release(void *data, void *p)
{
	struct msg_arena *a = data;
	uint8_t *q = p;

	if (q >= a->buf && q < a->buf + a->size)
		return;
	free(p);
}

static void *
heap_alloc(void *data, size_t size)
{
	return malloc(size != 0 ? size : 1);
}

static void
heap_release(void *data, void *p)
{
	free(p);
}

/* What a decoded message owns, released by msg_clear(). */
struct msg_store {
	ProtobufCAllocator	 alloc;
	struct msg_arena	*arena;
	ProtobufCMessage	*pb;
	struct msg_iface	*ifaces;
};

/*
 * Walk protobuf wire format against a descriptor without unpacking, to
 * tell a payload that is not protobuf (or has a field of the wrong wire
 * type) from one that is well formed but lacks a required field: the
 * two errors protobuf-c reports alike.
 */
static int
wire_type_of(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_BOOL:
	case PROTOBUF_C_TYPE_ENUM:
		return 0;
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 1;
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return 5;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return 2;
	}
	return -1;
}

static int
wire_valid(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len,
    int depth)
{
	const ProtobufCFieldDescriptor *fd;
	struct cursor c, sub;
	uint64_t tag, v;
	unsigned wt;

	if (depth > 8)
		return 0;
	cur_init(&c, p, len);
	while (cur_left(&c) > 0) {
		if (cur_get_varint(&c, &tag) < 0 || (tag >> 3) == 0 ||
		    (tag >> 3) > UINT32_MAX)
			return 0;
		wt = tag & 7;
		fd = protobuf_c_message_descriptor_get_field(d,
		    (unsigned)(tag >> 3));
		switch (wt) {
		case 0:
			if (cur_get_varint(&c, &v) < 0)
				return 0;
			break;
		case 1:
			if (cur_skip(&c, 8) < 0)
				return 0;
			break;
		case 5:
			if (cur_skip(&c, 4) < 0)
				return 0;
			break;
		case 2:
			if (cur_get_varint(&c, &v) < 0 || v > cur_left(&c))
				return 0;
			(void)cur_sub(&c, (size_t)v, &sub);
			if (fd == NULL)
				break;
			if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (!wire_valid(fd->descriptor, sub.base, sub.len,
				    depth + 1))
					return 0;
				continue;
			}
			/* Packed repeated scalars are length-delimited too. */
			if (wire_type_of(fd->type) != 2 &&
			    fd->label != PROTOBUF_C_LABEL_REPEATED)
				return 0;
			continue;
		default:
			return 0;
		}
		if (fd != NULL && wire_type_of(fd->type) != (int)wt)
			return 0;
	}
	return 1;
}

static void
dec_text(const PbText *pb, struct msg_text *ret)
{
	if (pb == NULL)
		return;
	ret->level = (enum msg_level)pb->msgtype;
	ret->text = pb->msgtext;
}

static void
dec_result(const PbSuccess *pb, struct msg_result *ret)
{
	ret->success = pb->success;
	ret->seqno = pb->seqno;
}

static void
dec_channels(const PbChannels *pb, bool *ret_has, struct msg_channels *ret)
{
	if (pb == NULL)
		return;
	*ret_has = true;
	ret->list = (const char **)pb->channels;
	ret->count = pb->n_channels;
}

static void
dec_hop(const PbHop *pb, bool *ret_has, struct msg_hop *ret)
{
	if (pb == NULL)
		return;
	*ret_has = true;
	ret->channels.list = (const char **)pb->channels;
	ret->channels.count = pb->n_channels;
	ret->has_rate = pb->has_rate;
	ret->rate = pb->rate;
	ret->has_shuffle = pb->has_shuffle;
	ret->shuffle = pb->shuffle;
	ret->has_shuffle_skip = pb->has_shuffle_skip;
	ret->shuffle_skip = pb->shuffle_skip;
	ret->has_offset = pb->has_offset;
	ret->offset = pb->offset;
}

static const char *
dec_chanset(const PbChanset *pb)
{
	return pb != NULL ? pb->channel : NULL;
}

static void
dec_data_report(const KismetDatasource__DataReport *pb,
    struct msg_data_report *r)
{
	if (pb->gps != NULL) {
		const PbGps *g = pb->gps;

		r->has_gps = true;
		r->gps.lat = g->lat;
		r->gps.lon = g->lon;
		r->gps.alt = g->alt;
		r->gps.speed = g->speed;
		r->gps.heading = g->heading;
		r->gps.precision = g->precision;
		r->gps.fix = g->fix;
		r->gps.time_sec = g->time_sec;
		r->gps.time_usec = g->time_usec;
		r->gps.type = g->type;
		r->gps.name = g->name;
		r->gps.has_high_prec_time = g->has_high_prec_time;
		r->gps.high_prec_time = g->high_prec_time;
	}
	dec_text(pb->message, &r->message);
	if (pb->packet != NULL) {
		const PbPacket *k = pb->packet;

		r->has_packet = true;
		r->packet.ts_sec = k->time_sec;
		r->packet.ts_usec = k->time_usec;
		r->packet.dlt = k->dlt;
		r->packet.size = k->size;
		r->packet.data = k->data.data;
		r->packet.caplen = k->data.len;
		r->packet.has_cap_size = k->has_cap_size;
		r->packet.cap_size = k->cap_size;
	}
	if (pb->signal != NULL) {
		const PbSignal *s = pb->signal;

		r->has_signal = true;
		r->signal.has_signal_dbm = s->has_signal_dbm;
		r->signal.signal_dbm = s->signal_dbm;
		r->signal.has_noise_dbm = s->has_noise_dbm;
		r->signal.noise_dbm = s->noise_dbm;
		r->signal.has_signal_rssi = s->has_signal_rssi;
		r->signal.signal_rssi = s->signal_rssi;
		r->signal.has_noise_rssi = s->has_noise_rssi;
		r->signal.noise_rssi = s->noise_rssi;
		r->signal.has_freq_khz = s->has_freq_khz;
		r->signal.freq_khz = s->freq_khz;
		r->signal.channel = s->channel;
		r->signal.has_datarate = s->has_datarate;
		r->signal.datarate = s->datarate;
	}
	r->warning = pb->warning;
	if (pb->json != NULL) {
		r->has_json = true;
		r->json.time_sec = pb->json->time_sec;
		r->json.time_usec = pb->json->time_usec;
		r->json.type = pb->json->type;
		r->json.json = pb->json->json;
	}
}

static int
dec_fill(struct msg *m, struct msg_store *st)
{
	const void *pb = st->pb;
	size_t i;

	switch (m->type) {
	case MSG_MESSAGE:
		dec_text(pb, &m->u.message);
		break;
	case MSG_PING:
	case MSG_LISTINTERFACES:
	case MSG_CLOSEDATASOURCE:
		break;
	case MSG_PONG:
		m->u.pong_seqno = ((const KismetExternal__Pong *)pb)->ping_seqno;
		break;
	case MSG_SHUTDOWN:
		m->u.shutdown_reason =
		    ((const KismetExternal__ExternalShutdown *)pb)->reason;
		break;
	case MSG_SYSTEMREGISTER:
		m->u.subsystem =
		    ((const KismetExternal__SystemRegister *)pb)->subsystem;
		break;
	case MSG_PROBESOURCE:
		m->u.definition =
		    ((const KismetDatasource__ProbeSource *)pb)->definition;
		break;
	case MSG_OPENSOURCE:
		m->u.definition =
		    ((const KismetDatasource__OpenSource *)pb)->definition;
		break;
	case MSG_PROBESOURCEREPORT: {
		const KismetDatasource__ProbeSourceReport *o = pb;
		struct msg_probe_report *r = &m->u.probe_report;

		dec_result(o->success, &r->result);
		dec_text(o->message, &r->message);
		dec_channels(o->channels, &r->has_channels, &r->channels);
		r->channel = dec_chanset(o->channel);
		r->hardware = o->hardware;
		break;
	}
	case MSG_OPENSOURCEREPORT: {
		const KismetDatasource__OpenSourceReport *o = pb;
		struct msg_open_report *r = &m->u.open_report;

		dec_result(o->success, &r->result);
		r->has_dlt = o->has_dlt;
		r->dlt = o->dlt;
		r->capture_interface = o->capture_interface;
		dec_channels(o->channels, &r->has_channels, &r->channels);
		r->channel = dec_chanset(o->channel);
		dec_hop(o->hop_config, &r->has_hop, &r->hop);
		r->hardware = o->hardware;
		dec_text(o->message, &r->message);
		r->uuid = o->uuid;
		r->warning = o->warning;
		break;
	}
	case MSG_INTERFACESREPORT: {
		const KismetDatasource__InterfacesReport *o = pb;
		struct msg_interfaces_report *r = &m->u.interfaces_report;

		dec_result(o->success, &r->result);
		dec_text(o->message, &r->message);
		if (o->n_interfaces == 0)
			break;
		st->ifaces = st->alloc.alloc(st->alloc.allocator_data,
		    o->n_interfaces * sizeof(*st->ifaces));
		if (st->ifaces == NULL)
			return -ENOMEM;
		for (i = 0; i < o->n_interfaces; i++) {
			st->ifaces[i].interface = o->interfaces[i]->interface;
			st->ifaces[i].flags = o->interfaces[i]->flags;
			st->ifaces[i].hardware = o->interfaces[i]->hardware;
			st->ifaces[i].capinterface =
			    o->interfaces[i]->capinterface;
		}
		r->ifaces = st->ifaces;
		r->n_ifaces = o->n_interfaces;
		break;
	}
	case MSG_CONFIGURE: {
		const KismetDatasource__Configure *o = pb;

		m->u.configure.channel = dec_chanset(o->channel);
		dec_hop(o->hopping, &m->u.configure.has_hop,
		    &m->u.configure.hop);
		break;
	}
	case MSG_CONFIGUREREPORT: {
		const KismetDatasource__ConfigureReport *o = pb;
		struct msg_configure_report *r = &m->u.configure_report;

		dec_result(o->success, &r->result);
		r->channel = dec_chanset(o->channel);
		dec_hop(o->hopping, &r->has_hop, &r->hop);
		dec_text(o->message, &r->message);
		r->warning = o->warning;
		break;
	}
	case MSG_DATAREPORT:
		dec_data_report(pb, &m->u.data_report);
		break;
	case MSG_ERRORREPORT: {
		const KismetDatasource__ErrorReport *o = pb;

		dec_result(o->success, &m->u.error_report.result);
		dec_text(o->message, &m->u.error_report.message);
		break;
	}
	case MSG_NEWSOURCE: {
		const KismetDatasource__NewSource *o = pb;

		m->u.new_source.definition = o->definition;
		m->u.new_source.sourcetype = o->sourcetype;
		m->u.new_source.uuid = o->uuid;
		break;
	}
	case MSG_WARNINGREPORT:
		m->u.warning =
		    ((const KismetDatasource__WarningReport *)pb)->warning;
		break;
	case MSG_UNKNOWN:
	case MSG_TYPE_COUNT:
		return -PROTO_ERR_COMMAND;
	}
	return 0;
}

int
msg_decode(const struct frame *f, struct msg_arena *arena, struct msg *ret)
{
	const ProtobufCMessageDescriptor *d;
	ProtobufCAllocator alloc;
	struct msg_store *st;
	struct msg m;
	int r;

	if (f->type <= MSG_UNKNOWN || f->type >= MSG_TYPE_COUNT)
		return -PROTO_ERR_COMMAND;
	d = msg_descriptors[f->type];
	if (arena != NULL) {
		arena->used = 0;
		alloc.alloc = arena_alloc;
		alloc.free = arena_release;
		alloc.allocator_data = arena;
	} else {
		alloc.alloc = heap_alloc;
		alloc.free = heap_release;
		alloc.allocator_data = NULL;
	}
	if ((st = alloc.alloc(alloc.allocator_data, sizeof(*st))) == NULL)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	st->alloc = alloc;
	st->arena = arena;
	st->pb = protobuf_c_message_unpack(d, &st->alloc, f->len, f->payload);
	if (st->pb == NULL) {
		alloc.free(alloc.allocator_data, st);
		return wire_valid(d, f->payload, f->len, 0) ?
		    -PROTO_ERR_REQUIRED : -PROTO_ERR_DECODE;
	}

	memset(&m, 0, sizeof(m));
	m.type = f->type;
	m.seqno = f->seqno;
	m.priv = st;
	if ((r = dec_fill(&m, st)) < 0) {
		msg_clear(&m);
		return r;
	}
	*ret = m;
	return 0;
}

void
msg_clear(struct msg *m)
{
	struct msg_store *st = m->priv;
	struct msg_arena *arena;
	ProtobufCAllocator alloc;

	if (st == NULL)
		return;
	alloc = st->alloc;
	arena = st->arena;
	if (st->ifaces != NULL)
		alloc.free(alloc.allocator_data, st->ifaces);
	protobuf_c_message_free_unpacked(st->pb, &alloc);
	alloc.free(alloc.allocator_data, st);
	if (arena != NULL)
		arena->used = 0;
	m->priv = NULL;
}

const struct msg_result *
msg_result(const struct msg *m)
{
	switch (m->type) {
	case MSG_PROBESOURCEREPORT:
		return &m->u.probe_report.result;
	case MSG_OPENSOURCEREPORT:
		return &m->u.open_report.result;
	case MSG_INTERFACESREPORT:
		return &m->u.interfaces_report.result;
	case MSG_CONFIGUREREPORT:
		return &m->u.configure_report.result;
	case MSG_ERRORREPORT:
		return &m->u.error_report.result;
	default:
		return NULL;
	}
}
