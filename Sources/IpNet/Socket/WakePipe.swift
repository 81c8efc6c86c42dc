internal import Glibc

/// A non-blocking pipe that lets one thread end another's `poll(2)` early: `signal()` writes a byte (safe from any
/// thread, never blocks), the waiter polls `readDescriptor` next to its socket and calls `drain()` after waking.
/// This is the classic self-pipe trick: `pipe(2)`, then `fcntl` sets `O_NONBLOCK` and `FD_CLOEXEC` on both ends
/// (systemd's sd-event uses an eventfd for the same purpose). Sendable: it holds only the two descriptors, and
/// `write(2)`/`read(2)` on them are safe from any thread.
final class WakePipe: Sendable {
    /// The end to poll for `POLLIN`.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// Creates the pipe. Throws `NetlinkFailure` with the errno of `pipe(2)`.
    init() throws(NetlinkFailure) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw NetlinkFailure(errno: errno, message: "cannot create the wake-up pipe")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Wakes the waiter. A full pipe already means "wake up", so EAGAIN is ignored. Equivalent: `write(fd, "x", 1)`.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe after a wake-up. Equivalent: `read()` until EAGAIN.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }
}
