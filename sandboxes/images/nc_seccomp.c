/* nc-seccomp FILTER CMD [ARGS...]: install the classic-BPF seccomp filter stored in FILTER (packed
 * struct sock_filter[], written by nearcoder.sandboxes.seccomp), then exec CMD. Stacks on Docker's default
 * profile, so a docker exec gets the same closed kernel surface as a bwrap sandbox. Exit 126: not installed. */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

static struct sock_filter insns[4096];

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: nc-seccomp FILTER CMD [ARGS...]\n");
    return 126;
  }
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, insns, sizeof insns);
  if (n <= 0 || n % (ssize_t)sizeof(struct sock_filter) != 0) {
    fprintf(stderr, "nc-seccomp: cannot read a filter from %s\n", argv[1]);
    return 126;
  }
  close(fd);
  struct sock_fprog prog = {.len = (unsigned short)(n / sizeof(struct sock_filter)), .filter = insns};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    perror("nc-seccomp: install");
    return 126;
  }
  execvp(argv[2], argv + 2);
  perror("nc-seccomp: exec");
  return 127;
}
