/* The probes of a state: one per probe spec, each in a worker of its user.
 * The bind scenario's probe binds a fresh socket and closes it. The hijack
 * scenario's binds and listens; when it could, 32 new connections to an
 * address the first listener holds say which of the two listeners they
 * reach. A probe that holds sockets on the port closes them (its "reset")
 * before the next probe binds. */
#include "runner/sequence_internal.h"

#include "role/roles.h"

#include <string.h>

static void next_probe(struct bm_sequence *seq);

static const struct bm_probe_spec *current_spec(struct bm_sequence *seq) {
  return &seq->plan->probes[seq->probe_index];
}

static struct bm_cell *current_cell(struct bm_sequence *seq) {
  return bm_seq_cell(seq, seq->step, seq->probe_index);
}

static int hijacking(const struct bm_sequence *seq) {
  return seq->plan->scenario->second_listens;
}

/* What a failed bind (or listen) means for the cell. */
static void record_failure(struct bm_cell *cell, const struct bm_status *st) {
  char why[160];
  bm_seq_describe(st, why, sizeof why);
  if (st->stage == BM_STAGE_BIND || st->stage == BM_STAGE_LISTEN ||
      st->stage == BM_STAGE_BIND_OR_LISTEN) {
    cell->status = BM_CELL_MEASURED;
    cell->outcome = st->error;
  } else if (st->stage == BM_STAGE_SETSOCKOPT ||
             st->stage == BM_STAGE_UV_TCP_BIND) {
    cell->status = BM_CELL_UNSUPPORTED;
    snprintf(cell->reason, sizeof cell->reason, "probe option %s: %s",
             cell->key.probe_option->name, why);
  } else if (st->error.code == BM_EUNSUPPORTED &&
             cell->key.probe_option->via == BM_VIA_RUNTIME) {
    /* The runtime's role says why on its standard error. */
    cell->status = BM_CELL_UNSUPPORTED;
    snprintf(cell->reason, sizeof cell->reason,
             "probe option %s: its runtime cannot make a listener at %s",
             cell->key.probe_option->name, cell->key.probe->name);
  } else {
    cell->status = BM_CELL_INVALID;
    snprintf(cell->reason, sizeof cell->reason, "probe: %s", why);
  }
}

static struct bm_status option_check(struct bm_sequence *seq,
                                     const struct bm_option *option) {
  struct bm_run_context *run = seq->run;
  enum bm_proto proto = seq->plan->proto;
  int i = bm_option_index(option);
  if (!run->option_checked[proto][i]) {
    run->option_checks[proto][i] = bm_option_check(proto, option);
    run->option_checked[proto][i] = 1;
  }
  return run->option_checks[proto][i];
}

/* Records the cell without a probe when none could run: the option is not
 * available here (the harness's own socket says so: a probe process would
 * only find the same), or there is no other user to run as. */
static int settled_without_probe(struct bm_sequence *seq) {
  const struct bm_probe_spec *spec = current_spec(seq);
  struct bm_cell *cell = current_cell(seq);
  struct bm_status check = option_check(seq, spec->option);
  if (check.error.code != 0) {
    record_failure(cell, &check);
    return 1;
  }
  if (spec->user == BM_USER_OTHER && !seq->run->other_user->available) {
    cell->status = BM_CELL_UNSUPPORTED;
    snprintf(cell->reason, sizeof cell->reason, "probe as another user: %s",
             seq->run->other_user->why);
    return 1;
  }
  return 0;
}

/* The probe is done and holds nothing on the port: the next may bind. */
static void probe_done(struct bm_sequence *seq) {
  bm_pool_release(seq->probe, 0);
  seq->probe = NULL;
  if (seq->connector) {
    bm_pool_release(seq->connector, 0);
    seq->connector = NULL;
  }
  seq->probe_index++;
  next_probe(seq);
}

static void on_connector_reset(struct bm_sequence *seq,
                               const struct bm_reply *r) {
  (void)r; /* a reset always closes what it can */
  probe_done(seq);
}

static void on_probe_reset(struct bm_sequence *seq, const struct bm_reply *r) {
  (void)r;
  if (!seq->connector) {
    probe_done(seq);
    return;
  }
  struct bm_request_line reset = {.verb = BM_VERB_RESET};
  bm_seq_request(seq, seq->connector, &reset, on_connector_reset);
}

static void close_probe(struct bm_sequence *seq) {
  struct bm_request_line reset = {.verb = BM_VERB_RESET};
  bm_seq_request(seq, seq->probe, &reset, on_probe_reset);
}

/* ---- hijack: which listener do new connections reach? -------------------- */

static const char *reached(long long first, long long second) {
  if (first && second)
    return "both";
  return first ? "first" : second ? "second" : "none";
}

static void hijack_connect(struct bm_sequence *seq);

static void on_second_count(struct bm_sequence *seq, const struct bm_reply *r) {
  if (!r->ok) {
    bm_seq_fail(seq, 0, "hijack: the second listener could not count");
    return;
  }
  seq->second_count += (int)r->values[0];
  if (++seq->hijack_round < BM_HIJACK_ROUNDS) {
    hijack_connect(seq);
    return;
  }
  BM_SEQ_SET(current_cell(seq)->reached,
             reached(seq->first_count, seq->second_count));
  close_probe(seq);
}

static void on_first_count(struct bm_sequence *seq, const struct bm_reply *r) {
  if (!r->ok) {
    bm_seq_fail(seq, 0, "hijack: the first listener could not count");
    return;
  }
  seq->first_count += (int)r->values[0];
  struct bm_request_line count = {.verb = BM_VERB_COUNT};
  bm_seq_request(seq, seq->probe, &count, on_second_count);
}

static void on_connected(struct bm_sequence *seq, const struct bm_reply *r) {
  if (!r->ok && r->status.stage == BM_STAGE_CONNECT &&
      r->status.error.code == UV_ECONNREFUSED && seq->hijack_round == 0) {
    /* Nothing listens at the address: neither socket takes connections
     * there (the first one bound and not listening, the second elsewhere). */
    current_cell(seq)->connections = 0;
    BM_SEQ_SET(current_cell(seq)->reached, "none");
    close_probe(seq);
    return;
  }
  if (!r->ok) {
    char why[160], reason[200];
    bm_seq_describe(&r->status, why, sizeof why);
    snprintf(reason, sizeof reason, "hijack: %s", why);
    bm_seq_fail(seq, 0, reason);
    return;
  }
  current_cell(seq)->connections += (int)r->values[0];
  struct bm_request_line count = {.verb = BM_VERB_COUNT};
  bm_seq_request(seq, seq->server, &count, on_first_count);
}

/* One round of clients; the connector keeps its worker between rounds
 * (each round's request closes the round before: both listeners have
 * counted and reset those connections). */
static void hijack_connect(struct bm_sequence *seq) {
  if (!seq->connector &&
      !bm_seq_worker(seq, BM_USER_SAME, NULL, -1, &seq->connector))
    return;
  if (seq->hijack_round == 0) {
    seq->first_count = seq->second_count = 0;
    current_cell(seq)->connections = 0;
  }
  struct bm_request_line r = {
      .verb = BM_VERB_CLIENT,
      .endpoint = {bm_endpoint_contested(seq->plan->listener, seq->plan->probe),
                   seq->port},
      .count = BM_HIJACK_BATCH,
  };
  bm_seq_request(seq, seq->connector, &r, on_connected);
}

/* ---- the probe ----------------------------------------------------------- */

/* Where another program's bind(0) can take the port the probe was refused
 * on (nothing of the sequence's is on it in CLOSED; a listener at [::] or
 * [::1] leaves its IPv4 side free, where an IPv4 probe binds), the refusal
 * may be that program's doing: the port is read again before it counts
 * (await_state.c). Elsewhere the sequence holds the port in every family
 * the probe asks for. */
static int could_be_another_programs(struct bm_sequence *seq) {
  const struct bm_cell *cell = current_cell(seq);
  return cell->status == BM_CELL_MEASURED && cell->outcome.code != 0 &&
         (strcmp(seq->witness_seen, "CLOSED") == 0 ||
          (seq->plan->listener->holds_ipv4 == NULL &&
           seq->plan->probe->holds_ipv4 != NULL));
}

static void refused_or_done(struct bm_sequence *seq) {
  if (could_be_another_programs(seq))
    bm_seq_recheck_state(seq, probe_done);
  else
    probe_done(seq);
}

static void on_probe_reply(struct bm_sequence *seq, const struct bm_reply *r) {
  struct bm_cell *cell = current_cell(seq);
  if (!hijacking(seq)) {
    if (r->ok) {
      cell->status = BM_CELL_MEASURED;
      cell->outcome = BM_OK;
    } else {
      record_failure(cell, &r->status);
    }
    refused_or_done(seq); /* a probe closes its socket before it answers */
    return;
  }
  if (r->ok || r->status.stage == BM_STAGE_LISTEN) {
    cell->status = BM_CELL_MEASURED;
    cell->outcome = BM_OK; /* the bind itself succeeded */
    cell->listened = 1;
    cell->listen_outcome = r->ok ? BM_OK : r->status.error;
  } else {
    record_failure(cell, &r->status);
  }
  if (r->ok) {
    seq->hijack_round = 0;
    hijack_connect(seq);
  } else
    refused_or_done(seq); /* a listener that failed has nothing to keep */
}

/* Another user's probe could not start: its cell says why, and the
 * sequence goes on with the next probe (the same user's cells are not the
 * other user's trouble). The OS refusing that user the program is this
 * machine's answer for every such cell of the run. */
static void other_user_failed(struct bm_sequence *seq, struct bm_error err) {
  struct bm_cell *cell = current_cell(seq);
  char error[64];
  bm_error_describe(err, error, sizeof error);
  char program[4096];
  bm_pool_program(seq->run->pool, current_spec(seq)->option->runtime,
                  BM_USER_OTHER, program, sizeof program);
  struct bm_other_user *other = seq->run->other_user;
  snprintf(other->why, sizeof other->why,
           "could not start %.200s as that user: %s", program, error);
  snprintf(cell->reason, sizeof cell->reason, "probe as another user: %s",
           other->why);
  int refused = err.code == UV_EACCES || err.code == UV_EPERM;
  cell->status = refused ? BM_CELL_UNSUPPORTED : BM_CELL_INVALID;
  if (refused)
    other->available = 0;
  seq->probe_index++;
  next_probe(seq);
}

static void start_probe(struct bm_sequence *seq) {
  const struct bm_probe_spec *spec = current_spec(seq);
  if (spec->user == BM_USER_OTHER) {
    struct bm_error err =
        bm_seq_try_worker(seq, spec->user, spec->option, -1, &seq->probe);
    if (err.code != 0) {
      other_user_failed(seq, err);
      return;
    }
  } else if (!bm_seq_worker(seq, spec->user, spec->option, -1, &seq->probe)) {
    return;
  }
  struct bm_request_line r = {
      .verb = hijacking(seq) ? BM_VERB_SERVER : BM_VERB_PROBE,
      .proto = seq->plan->proto,
      .option = spec->option,
      .endpoint = {seq->plan->probe, seq->port},
  };
  bm_seq_request(seq, seq->probe, &r, on_probe_reply);
}

static void next_probe(struct bm_sequence *seq) {
  while (seq->probe_index < seq->plan->probe_count &&
         settled_without_probe(seq))
    seq->probe_index++;
  if (seq->probe_index < seq->plan->probe_count)
    start_probe(seq);
  else
    bm_seq_next_step(seq);
}

void bm_seq_probe_all(struct bm_sequence *seq) {
  seq->probe_index = 0;
  next_probe(seq);
}
