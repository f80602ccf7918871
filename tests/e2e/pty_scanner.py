# A serial scanner for the browser test: opens a pseudo-terminal, prints the path of its slave
# side (where storeedged reads, as from /dev/ttyACM0), then writes everything it reads on stdin
# to the master side, as the scanner would send it. Ends (the scanner is unplugged) at EOF.
import os
import pty
import sys

master, slave = pty.openpty()
print(os.ttyname(slave), flush=True)
os.close(slave)  # storeedged opens it by name; the pty lives while the master is open
while True:
    data = os.read(sys.stdin.fileno(), 4096)
    if not data:
        break
    os.write(master, data)
os.close(master)
