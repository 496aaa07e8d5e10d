#!/usr/bin/perl
# bm-role-perl: the role protocol (role-protocol.md) with Perl's own
# listener, IO::Socket::IP->new(LocalHost, LocalPort, Listen, V6Only).
#
# Endpoints: LocalHost is the endpoint's address (its name without brackets
# and without the "dual" of [::]dual); V6Only is 1 for [::] and
# 0 for [::]dual (IO::Socket::IP then sets IPV6_V6ONLY either way). No
# ReuseAddr: the constructor's default is none. Errors: $! carries errno,
# and the Errno module names it; nothing says which system call failed.
use strict;
use warnings;
use Errno;
use IO::Socket::IP;
use Socket qw(AF_INET AF_INET6 SOL_SOCKET SO_LINGER inet_pton);

my $OPTION        = 'perl:IO::Socket::IP';
my $HOLD_INPUT_FD = 3;

# Errno's names by number, for "fail STAGE NAME ERRNO".
my %ERRNO_NAMES = map { Errno->$_ => $_ } grep { /^E/ } @Errno::EXPORT_OK;

sub unsupported { die { unsupported => $_[0] } }

sub error_reply {
    my ($stage, $errno) = @_;
    return "fail $stage " . ($ERRNO_NAMES{$errno} // '-') . " $errno";
}

# tcp ENDPOINT OPTION PORT -> a listening socket, or an error reply.
sub open_listener {
    my @args = @_;
    unsupported('expected: tcp ENDPOINT OPTION PORT') unless @args == 4;
    my ($proto, $endpoint, $option, $port) = @args;
    (my $host = $endpoint) =~ s/dual$//;
    $host =~ s/^\[|\]$//g;
    unsupported("a TCP listener on an address, not $proto $endpoint")
      unless $proto eq 'tcp' && (inet_pton(AF_INET, $host) || inet_pton(AF_INET6, $host));
    unsupported("the only listener here is $OPTION") unless $option eq $OPTION;
    unsupported("not a port: $port") unless $port =~ /\A\d+\z/;
    my %v6only = $endpoint eq '[::]' ? (V6Only => 1) : $endpoint eq '[::]dual' ? (V6Only => 0) : ();
    my $sock = IO::Socket::IP->new(LocalHost => $host, LocalPort => $port, Listen => 128, %v6only);
    return (undef, error_reply('bind', $! + 0)) unless $sock;
    return ($sock, undef);
}

my ($listener, @connections);

sub reset_cell {
    close $_ for @connections;
    @connections = ();
    close $listener if $listener;
    undef $listener;
    return 'ok 0';
}

# The listener only: the connections it gave stay open.
sub close_listener {
    close $listener if $listener;
    undef $listener;
    return 'ok 0';
}

sub need_listener { $listener // unsupported('no listener in this cell') }

sub server {
    reset_cell();
    my ($sock, $error) = open_listener(@_);
    return $error if $error;
    $listener = $sock;
    return 'ok ' . $listener->sockport;
}

sub probe {
    my ($sock, $error) = open_listener(@_);
    return $error if $error;
    close $sock;
    return 'ok 0';
}

sub accept_one {
    my $conn = need_listener()->accept or return error_reply('accept', $! + 0);
    push @connections, $conn;
    return 'ok 0';
}

# Takes every waiting connection without blocking, resets each.
sub count {
    my $sock  = need_listener();
    my $taken = 0;
    $sock->blocking(0);
    while (my $conn = $sock->accept) {
        setsockopt($conn, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
        close $conn;
        $taken++;
    }
    my $errno = $! + 0;
    $sock->blocking(1);
    return $!{EAGAIN} || $!{EWOULDBLOCK} ? "ok $taken" : error_reply('accept', $errno);
}

sub close_conn {
    close pop @connections if @connections;
    return 'ok 0';
}

# Listens, then forks and execs HOLD as a Perl server would, stdin the
# harness's descriptor 3, stdout a pipe; Perl's own descriptors above $^F
# are close-on-exec, which is what is measured. (Not open '-|': closing
# that handle waits for the child.)
sub inherit {
    my @args = @_;
    unsupported('inherit hands descriptor 3 to the child: a Unix convention') if $^O eq 'MSWin32';
    unsupported('expected: inherit tcp ENDPOINT OPTION PORT HOLD...') unless @args >= 5;
    my $answer = server(@args[0 .. 3]);
    return $answer unless $answer =~ /^ok/;
    pipe(my $child_out, my $to_parent) or return error_reply('spawn', $! + 0);
    my $pid = fork // return error_reply('spawn', $! + 0);
    if ($pid == 0) {
        open(STDIN,  '<&', $HOLD_INPUT_FD) or die "bm-role-perl: descriptor 3: $!\n";
        open(STDOUT, '>&', $to_parent)     or die "bm-role-perl: stdout: $!\n";
        exec { $args[4] } @args[4 .. $#args] or die "bm-role-perl: exec $args[4]: $!\n";
    }
    close $to_parent;
    my $line = <$child_out> // '';
    close $child_out;
    chomp $line;
    return "$answer $pid" if $line eq "ok $pid";
    warn "bm-role-perl: the child said '$line'\n";
    return 'fail spawn - -';
}

my %REQUESTS = (
    server           => \&server,
    probe            => \&probe,
    accept           => \&accept_one,
    count            => \&count,
    'close-conn'     => \&close_conn,
    'close-listener' => \&close_listener,
    reset            => \&reset_cell,
    inherit          => \&inherit,
    bind   => sub { unsupported('IO::Socket::IP with Listen binds and listens in one call') },
    listen => sub { unsupported('IO::Socket::IP with Listen binds and listens in one call') },
);

$| = 1;
while (my $line = <STDIN>) {
    my @words   = split ' ', $line;
    my $request = $REQUESTS{ $words[0] // '' };
    my $answer  = eval {
        $request or unsupported('a listener role: no request ' . ($words[0] // '(empty)'));
        $request->(@words[1 .. $#words]);
    };
    if (!defined $answer) {
        die $@ unless ref $@ eq 'HASH';
        warn "bm-role-perl: $@->{unsupported}\n";
        $answer = 'fail command unsupported -';
    }
    print "$answer\n";
}
reset_cell();
