use Socket; socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!"; bind($s, sockaddr_in($ENV{PORT}, INADDR_ANY)) or die "bind: $!";
