/**
 * The narration in Chinese, in the terms of the Chinese translation of Part 3: 僵尸进程, 文件描述符,
 * 描述符副本, 信号处理器, 父进程, 子进程, 循环服务器, 并发服务器.
 */
import type { MessageTable } from './message-table.js';

export const zh: MessageTable = {
  'hello-world: the web server of Part {0}, webserver1': 'hello-world：第 {0} 部分的 Web 服务器，webserver1',
  'Terminal {0}: start the server': '终端 {0}：启动服务器',
  starting: '正在启动',
  'Terminal {0}: a request, as a browser sends it': '终端 {0}：一个请求，和浏览器发送的一样',
  'Terminal {0}: the server printed the request it read': '终端 {0}：服务器打印出它读到的请求',
  "Terminal {0}: the article's request typed by hand (telnet localhost {1}, GET /hello HTTP, Enter)":
    '终端 {0}：手工输入文章里的请求（telnet localhost {1}，GET /hello HTTP，回车）',
  'The response is a status line, an empty line and the body, nothing else; and it is the same whatever the request says: this server prints what it read and never looks at it.':
    '响应就是一个状态行、一个空行和响应体，别无其他；而且无论请求写的是什么，响应都一样：这个服务器只打印它读到的内容，从不查看它。',
  'A web server: a listening socket, accept(), recv(), sendall(), close(), and again, one client after another.':
    '一个 Web 服务器：一个监听 socket，accept()、recv()、sendall()、close()，然后再来一遍，一个客户端接着一个客户端。',
  'frameworks: the WSGI server of Part {0}, webserver2': 'frameworks：第 {0} 部分的 WSGI 服务器，webserver2',
  'Terminal {0}: start the server with a plain WSGI application': '终端 {0}：用一个普通的 WSGI 应用启动服务器',
  'Terminal {0}: a request': '终端 {0}：一个请求',
  'Terminal {0}: the server printed the request and the response a la curl -v':
    '终端 {0}：服务器像 curl -v 那样打印出请求和响应',
  "The server read the request, built the environ, called the application with it and start_response, then sent the status line, the headers (the application's, and the server's Date, Server, Content-Length and Connection) and the body.":
    '服务器读取请求，构建 environ，用它和 start_response 调用应用，然后发送状态行、响应头（应用的，以及服务器的 Date、Server、Content-Length 和 Connection）和响应体。',
  'Terminal {0}: Ctrl-C, and the same server with Hono': '终端 {0}：Ctrl-C，然后用 Hono 启动同一个服务器',
  'Terminal {0}: Ctrl-C, and the same server with Express': '终端 {0}：Ctrl-C，然后用 Express 启动同一个服务器',
  'Terminal {0}: a client that connects and sends nothing yet, and a second one behind it':
    '终端 {0}：一个客户端连上来但暂时什么都不发，后面再排着第二个',
  "The second curl gets nothing: the server is in recv(), waiting for the first client's request, and the second connection waits in the listen queue.":
    '第二个 curl 什么也没收到：服务器正在 recv() 里等第一个客户端的请求，第二个连接在监听队列里等待。',
  'Terminal {0}: type the first request, GET /hello HTTP/{1}, and Enter twice; Terminal {2} is answered next':
    '终端 {0}：输入第一个请求 GET /hello HTTP/{1}，按两次回车；接着终端 {2} 得到响应',
  'Once the first client had its answer, the server accepted the second one: one client at a time.':
    '第一个客户端得到响应之后，服务器才接受第二个：一次只处理一个客户端。',
  'Terminal {0}: a request that is not HTTP': '终端 {0}：一个不是 HTTP 的请求',
  'The server answered {0} itself (Express never saw the request) and went on serving, in the same process (PID {1}).':
    '服务器自己回答了 {0}（Express 根本没看到这个请求），并在同一个进程（PID {1}）里继续提供服务。',
  'One WSGI server, three applications: the server does not change, only the module:callable does. It serves one client at a time; Part {0} makes it concurrent (pnpm diff {1} 3h).':
    '一个 WSGI 服务器，三个应用：服务器不变，变的只是 module:callable。它一次只服务一个客户端；第 {0} 部分把它变成并发的（pnpm diff {1} 3h）。',
  'iterative: the iterative server, webserver3a': 'iterative：循环服务器，webserver3a',
  'Terminal {0}: send it a request': '终端 {0}：给它发一个请求',
  'curl got its answer after {0} s and ended after {1} s: the server closed the connection after sending it.':
    'curl 在 {0} 秒后得到响应，{1} 秒后结束：服务器发送完响应就关闭了连接。',
  'Terminal {0}: the server printed the request it read from the connection':
    '终端 {0}：服务器打印出它从连接中读到的请求',
  'One process does everything: the server (PID {0}) has {1} children.':
    '一个进程包办一切：服务器（PID {0}）有 {1} 个子进程。',
  'Terminal {0}: curl telnet://localhost:{1}, and type nothing yet; Terminal {2}: curl http://localhost:{3}/hello':
    '终端 {0}：curl telnet://localhost:{1}，先什么都不输入；终端 {2}：curl http://localhost:{3}/hello',
  'curl gets nothing: the server accepted the connection of Terminal {0} and waits in recv() for its request; curl waits in the listen queue.':
    'curl 什么也没收到：服务器接受了终端 {0} 的连接，正在 recv() 里等它的请求；curl 在监听队列里等待。',
  'Now the request in Terminal {0}:': '现在在终端 {0} 里输入请求：',
  'Terminal {0} got its answer, and only then curl: one client at a time.':
    '终端 {0} 先得到响应，然后才轮到 curl：一次只处理一个客户端。',
  'The iterative server accepts a connection, answers, closes it, and only then accepts the next one.':
    '循环服务器接受一个连接，响应，关闭它，然后才接受下一个。',
  'sleeping: one client at a time, webserver3b': 'sleeping：一次一个客户端，webserver3b',
  'Terminal {0}: start the server that sleeps after each answer': '终端 {0}：启动每次响应后都会休眠的服务器',
  'The article sleeps {0} s; LSBAWS_SLEEP={1} makes it {2} s (pnpm experiment sleeping --sleep {3} for the real thing).':
    '文章里休眠 {0} 秒；LSBAWS_SLEEP={1} 把它改成 {2} 秒（要原样体验，用 pnpm experiment sleeping --sleep {3}）。',
  'Terminal {0}: the first curl': '终端 {0}：第一个 curl',
  '"Hello, World!" came after {0} s, but curl does not end: the server sleeps before it closes the connection.':
    '{0} 秒后收到了 "Hello, World!"，但 curl 没有结束：服务器在关闭连接之前先休眠。',
  'Terminal {0}, without delay: the second curl': '终端 {0}，马上：第二个 curl',
  'Nothing: the second curl hangs. The server printed only the first request:':
    '什么也没有：第二个 curl 阻塞住了。服务器只打印了第一个请求：',
  'Meanwhile, in another terminal: pnpm observe {0} (one snapshot)':
    '与此同时，在另一个终端里：pnpm observe {0}（一个快照）',
  "The server is blocked in sleep(), holding the first connection. The second one is already connected (the kernel completed it) and waits in the listening socket's queue until the server calls accept() again: that is the BACKLOG argument of listen().":
    '服务器阻塞在 sleep() 里，手里握着第一个连接。第二个连接已经建立（内核完成了它），在监听 socket 的队列里等着，直到服务器再次调用 accept()：这就是 listen() 的 BACKLOG 参数。',
  'waiting for the server to wake up ({0} s after the first answer)': '等服务器醒来（第一次响应后 {0} 秒）',
  'The first curl ended {0} s after its answer, and then the second printed:':
    '第一个 curl 在得到响应 {0} 秒后结束，然后第二个打印出：',
  'and the second curl hangs in turn for {0} s': '然后第二个 curl 也要阻塞 {0} 秒',
  'The second curl ended {0} s after its answer.': '第二个 curl 在得到响应 {0} 秒后结束。',
  'An iterative server serves one client at a time: the second client is connected at once (the listen queue), but it is served only when the server has finished with the first one.':
    '循环服务器一次只服务一个客户端：第二个客户端立刻就连上了（监听队列），但要等服务器处理完第一个之后才会被服务。',
  'concurrent: fork() per connection, webserver3c': 'concurrent：每个连接 fork() 一次，webserver3c',
  'Terminal {0}: start the concurrent server (each child sleeps {1} s after answering; the article: {2})':
    '终端 {0}：启动并发服务器（每个子进程响应后休眠 {1} 秒；文章里是 {2} 秒）',
  'Terminal {0}: curl': '终端 {0}：curl',
  'answered after {0} s; curl keeps waiting: its child sleeps {1} s before closing.':
    '{0} 秒后得到响应；curl 继续等待：它的子进程在关闭之前休眠 {1} 秒。',
  'Terminal {0}: each request was handled by a child': '终端 {0}：每个请求都由一个子进程处理',
  'Another terminal: the children of the server': '另一个终端：服务器的子进程',
  "{0} children, all sleeping (S) their {1} s (the article's time.sleep({2})), each holding one client's connection.":
    '{0} 个子进程，都在休眠（S）它们的 {1} 秒（文章的 time.sleep({2})），每个握着一个客户端的连接。',
  'pnpm observe {0}: the descriptors after fork()': 'pnpm observe {0}：fork() 之后的描述符',
  "Each child got a copy of all its parent's descriptors at fork(). Then the child closed its copy of the listening socket, and the parent closed its copy of the connection: so each connection is held by one process only (reference count {0}), and the listening socket by the parent only. When the child closes its copy and exits, the kernel closes the connection.":
    '每个子进程在 fork() 时得到了父进程全部描述符的拷贝。然后子进程关闭了它的监听 socket 拷贝，父进程关闭了它的连接拷贝：所以每个连接只被一个进程持有（引用计数 {0}），监听 socket 只被父进程持有。子进程关闭它的拷贝并退出时，内核就关闭这个连接。',
  'Then, once each child has slept its {0} s: it closes its copy of the connection and exits':
    '然后，每个子进程睡完它的 {0} 秒：关闭它的连接拷贝并退出',
  'waiting for the curls to end': '等待这些 curl 结束',
  'The {0} curls ended after {1} s, {2} s: each child closed the last descriptor of its connection, so the kernel ended it.':
    '这 {0} 个 curl 分别在 {1} 秒、{2} 秒后结束：每个子进程关闭了它的连接的最后一个描述符，于是内核结束了连接。',
  'Every curl got "Hello, World!" at once, although each child sleeps {0} s: the {1} clients are served by {2} independent processes.':
    '每个 curl 都立刻收到了 "Hello, World!"，尽管每个子进程都要休眠 {0} 秒：这 {1} 个客户端由 {2} 个独立的进程服务。',
  'no-close: the parent keeps its copy of every connection, webserver3d':
    'no-close：父进程保留每个连接的拷贝，webserver3d',
  'First, slowly: connect, but do not send the request yet': '先慢慢来：连接，但先不发送请求',
  '(like typing the request by hand in `curl telnet://localhost:{0}`: the server accepts and forks, and the child waits in recv() for the request)':
    '（就像在 `curl telnet://localhost:{0}` 里手工输入请求：服务器 accept 并 fork，子进程在 recv() 里等请求）',
  "The connection (client port {0}) is open in two processes: the parent's copy, which 3d no longer closes, and the child's, inherited at fork(). Reference count {1}.":
    '这个连接（客户端端口 {0}）在两个进程里打开着：父进程的拷贝（3d 不再关闭它），以及子进程在 fork() 时继承的拷贝。引用计数 {1}。',
  'Now send the request on that connection': '现在在这个连接上发送请求',
  'The child answered, closed its descriptor and exited (it is a zombie now). But the client never sees the end of the connection: the parent still holds it (reference count {0}), so the kernel does not close it and sends no FIN.':
    '子进程响应了，关闭了它的描述符并退出（它现在是个僵尸进程）。但客户端永远看不到连接结束：父进程还握着它（引用计数 {0}），所以内核不关闭它，也不发送 FIN。',
  "The article's way: curl": '文章的做法：curl',
  'watching curl for {0} s': '观察 curl {0} 秒',
  'curl printed "Hello, World!" after {0} s and then hung, until its --max-time of {1} s here (Ctrl-C in the article).':
    'curl 在 {0} 秒后打印出 "Hello, World!"，然后就挂住了，直到这里的 --max-time {1} 秒（文章里是 Ctrl-C）。',
  'Terminal {0}: the server printed the number of connections it keeps': '终端 {0}：服务器打印出它保留的连接数',
  'The child closed its descriptor and exited, but the connection stays open: the parent holds a copy (reference count {0}, not {1}), so the kernel sends no FIN and the client waits for ever. Close the duplicate descriptors.':
    '子进程关闭了它的描述符并退出，但连接一直开着：父进程持有一个拷贝（引用计数 {0}，而不是 {1}），所以内核不发送 FIN，客户端永远等下去。要关闭描述符副本。',
  'out-of-descriptors: too many open files, webserver3d': 'out-of-descriptors：打开的文件太多，webserver3d',
  'Terminal {0}: limit the server to {1} open descriptors, then start it':
    '终端 {0}：把服务器限制为 {1} 个打开的描述符，然后启动它',
  'Terminal {0}: {1} clients at once': '终端 {0}：同时 {1} 个客户端',
  'until the server dies': '直到服务器死掉',
  'until every client has finished': '直到每个客户端都结束',
  'Terminal {0}: the server counted the connections it keeps, then exploded':
    '终端 {0}：服务器数出它保留的连接，然后爆炸了',
  "EMFILE: the server held {0} connections, and {1} descriptors were open before the first one (stdin, stdout, stderr, the runtime's own, the listening socket): {2} in all, the limit. The next accept() had no descriptor left to give.":
    'EMFILE：服务器持有 {0} 个连接，在第一个连接之前已经打开了 {1} 个描述符（stdin、stdout、stderr、运行时自己的、监听 socket）：一共 {2} 个，正是上限。下一次 accept() 已经没有描述符可给了。',
  'Terminal {0}: client3': '终端 {0}：client3',
  '{0} clients connected and sent their request ("{1}"); {2} failed once the server was gone (refused, or reset when their connection was still waiting in the dead server\'s listen queue).':
    '{0} 个客户端连上并发送了请求（"{1}"）；服务器没了之后有 {2} 个失败（被拒绝，或者连接还在死掉的服务器的监听队列里等着时被重置）。',
  'A server that does not close duplicate descriptors runs out of them: accept() fails with EMFILE (Too many open files).':
    '不关闭描述符副本的服务器会用尽描述符：accept() 失败，报 EMFILE（Too many open files）。',
  'zombies: children nobody waits for, webserver3d': 'zombies：没人等待的子进程，webserver3d',
  'Terminal {0}: one request (curl hangs, as in no-close: stop it with Ctrl-C)':
    '终端 {0}：一个请求（curl 会挂住，和 no-close 一样：用 Ctrl-C 停掉它）',
  "The server's children": '服务器的子进程',
  'STAT Z: a zombie. The child has exited; the kernel keeps its PID and exit status until its parent waits for it, and 3d never does.':
    'STAT Z：僵尸进程。子进程已经退出；内核保留它的 PID 和终止状态，直到父进程等待（wait）它，而 3d 从来不等。',
  'Try to kill it': '试着杀死它',
  "Still there: a zombie is already dead; there is nothing left to kill. Only a wait() by its parent (or the parent's exit) removes it.":
    '还在那里：僵尸进程本来就已经死了，没有什么可以再杀的。只有父进程的 wait()（或者父进程退出）才能移除它。',
  'pnpm observe {0}': 'pnpm observe {0}',
  'A child that exits before its parent waits for it becomes a zombie, and you cannot kill a zombie: you have to wait for it.':
    '在父进程等待它之前就退出的子进程会变成僵尸进程，而僵尸进程是杀不死的：你得等待（wait）它。',
  'out-of-processes: zombies use up the process limit, webserver3d':
    'out-of-processes：僵尸进程耗尽进程数上限，webserver3d',
  "The article runs `ulimit -u {0}`. Two things differ here. Linux does not enforce that limit for root, so the server runs as an unprivileged user (uid {1}) with setpriv, keeping one capability, CAP_DAC_READ_SEARCH, so that it can read the checkout wherever it is (it does not lift the limit); and the limit counts every task of that user, threads included: node starts with {2} threads, and a pnpm parent would add its own, so the server runs directly with node (as the 3d README does), under a small limit: {3} threads + {4} children = {5}. The article's {6} would work the same way, only later.":
    '文章里运行的是 `ulimit -u {0}`。这里有两处不同。Linux 对 root 不执行这个限制，所以服务器用 setpriv 以一个非特权用户（uid {1}）运行，只保留一个能力 CAP_DAC_READ_SEARCH，使它无论代码在哪儿都能读取（它并不解除限制）；而且这个限制计算的是该用户的每个任务，线程也算在内：node 启动时有 {2} 个线程，pnpm 父进程还会再加上它自己的，所以服务器直接用 node 运行（和 3d 的 README 一样），限制设得很小：{3} 个线程 + {4} 个子进程 = {5}。用文章的 {6} 也一样，只是来得晚一些。',
  'Terminal {0}: build as yourself (user {1} cannot write dist/), then start the server as user {2} with the limits':
    '终端 {0}：以你自己的身份构建（用户 {1} 不能写 dist/），然后以用户 {2} 带着限制启动服务器',
  'The server runs {0} threads (ps -o nlwp -p {1}); uid {2} now has {3} tasks of the {4} allowed.':
    '服务器运行着 {0} 个线程（ps -o nlwp -p {1}）；uid {2} 现在有 {3} 个任务，上限是 {4} 个。',
  'until fork() fails': '直到 fork() 失败',
  'Terminal {0}': '终端 {0}',
  'EAGAIN from fork(): {0} children were forked and exited, but nobody waited for them, so each stayed a zombie (up to {1} seen at once) and still counted against the limit: {2} threads + {3} zombies = {4}, the limit: the next fork() would have made one more.':
    'fork() 返回 EAGAIN：{0} 个子进程被 fork 出来又退出了，但没人等待它们，所以每个都成了僵尸进程（同时最多看到 {1} 个），仍然计入上限：{2} 个线程 + {3} 个僵尸进程 = {4}，正是上限：下一次 fork() 就会超出一个。',
  'Zombies take up process slots: a long-running server that does not wait for its children eventually cannot fork() any more (EAGAIN, Resource temporarily unavailable).':
    '僵尸进程占用进程名额：长时间运行且不等待子进程的服务器，最终再也无法 fork()（EAGAIN，Resource temporarily unavailable）。',
  'eintr: a signal handler interrupts accept(), webserver3e': 'eintr：信号处理器中断了 accept()，webserver3e',
  'Answered at once; the child then sleeps {0} s (so that the parent is back in accept() when it exits), closes and exits.':
    '立刻得到响应；然后子进程休眠 {0} 秒（好让父进程在它退出时已经回到 accept() 里），关闭连接并退出。',
  'watching the server': '观察服务器',
  'The child exited {0} s after answering; the kernel sent SIGCHLD. The handler ran and reaped it ("Child {1} terminated with status {2}"), then the accept() the parent was blocked in returned -1 with errno {3}, EINTR: nothing catches it, and the server stops.':
    '子进程在响应 {0} 秒后退出；内核发送了 SIGCHLD。信号处理器运行并回收了它（"Child {1} terminated with status {2}"），然后父进程阻塞其中的 accept() 返回 -1，errno {3}，即 EINTR：没有任何代码捕获它，服务器就此停止。',
  "Node runs JavaScript signal handlers from its event loop, and installs them with SA_RESTART, which would restart accept() quietly; @lsbaws/posix's signal.signal() clears that flag so that the call fails as it did in the article's Python {0}. Python {1}+ retries accept() itself (PEP {2}): the original webserver3e.py no longer crashes there. See docs/node-differences.md.":
    'Node 在它的事件循环里运行 JavaScript 信号处理器，并且用 SA_RESTART 安装它们，那样 accept() 会被悄悄地重新启动；@lsbaws/posix 的 signal.signal() 清除了这个标志，使调用像在文章的 Python {0} 里那样失败。Python {1}+ 会自己重试 accept()（PEP {2}）：原版 webserver3e.py 在那里不再崩溃。见 docs/node-differences.md。',
  'When a signal handler runs while the process is blocked in a system call, the call can be interrupted and fail with EINTR: be ready to restart it.':
    '当进程阻塞在系统调用里时信号处理器运行了，这个调用就可能被中断并以 EINTR 失败：要准备好重新启动它。',
  'zombies-again: restarting accept(), and one wait() per signal, webserver3f':
    'zombies-again：重新启动 accept()，每个信号一次 wait()，webserver3f',
  'Terminal {0}: one request': '终端 {0}：一个请求',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. No zombie: the SIGCHLD handler waited for the child.':
    '服务器仍在运行：SIGCHLD 中断了 accept()，循环又调用了它。没有僵尸进程：SIGCHLD 信号处理器等待了这个子进程。',
  '{0} clients': '{0} 个客户端',
  'until every child has exited and the server is back in accept()': '直到每个子进程都已退出、服务器回到 accept() 里',
  '{0} zombies after {1} connections. The children exited at almost the same time, their SIGCHLDs merged, and each handler run reaped one child only. How many merged depends on timing: the number changes from run to run.':
    '{1} 个连接之后有 {0} 个僵尸进程。子进程几乎同时退出，它们的 SIGCHLD 合并了，而信号处理器每运行一次只回收一个子进程。合并了多少取决于时机：每次运行的数字都不一样。',
  'The parent has {0} descriptors open, as many as before the clients: it closed its copy of each connection.':
    '父进程打开着 {0} 个描述符，和客户端来之前一样多：它关闭了每个连接的拷贝。',
  'Now on purpose: {0} children exit while the parent cannot take signals':
    '现在故意来：{0} 个子进程在父进程无法接收信号时退出',
  "First a fresh server, so that the counts below are only this part's. Terminal {0}: Ctrl-C, then again:":
    '先启动一个新的服务器，让下面的计数只属于这一部分。终端 {0}：Ctrl-C，然后再启动一次：',
  '{0} clients connect but do not send their request yet: the server forks {1} children that wait in recv().':
    '{0} 个客户端连上来但先不发送请求：服务器 fork 出 {1} 个子进程，在 recv() 里等待。',
  'The {0} clients send their requests; the children answer and exit, and each exit sends the parent a SIGCHLD.':
    '这 {0} 个客户端发送请求；子进程响应并退出，每次退出都给父进程发一个 SIGCHLD。',
  '{0} children exited, {1} SIGCHLDs were sent. ShdPnd, the signals pending for the process, has one bit per signal, signal N at bit N-1 (SIGCHLD, {2}, is bit {3}: 0x10000): they are one pending signal now.':
    '{0} 个子进程退出了，发送了 {1} 个 SIGCHLD。ShdPnd（进程的待处理信号）每个信号占一位，信号 N 在第 N-1 位（SIGCHLD 是 {2}，在第 {3} 位：0x10000）：它们现在是同一个待处理信号。',
  'until the server is back in accept() and the count stays the same': '直到服务器回到 accept() 里并且计数不再变化',
  'The handler ran once for the {0} merged exits, and its single os.wait() reaped one child: {1} are left as zombies.':
    '信号处理器为这 {0} 次合并的退出只运行了一次，它仅有的一次 os.wait() 只回收了一个子进程：剩下 {1} 个僵尸进程。',
  'Standard signals are not queued: children that exit while SIGCHLD is already pending add nothing to it. A handler that calls wait() once per signal therefore misses children, and they stay zombies.':
    '标准信号不排队：SIGCHLD 已经处于待处理状态时退出的子进程，不会再给它增加任何东西。所以每个信号只调用一次 wait() 的信号处理器会漏掉子进程，它们就一直是僵尸进程。',
  'no-zombies: waitpid(-1, WNOHANG) in a loop, webserver3g':
    'no-zombies：在循环中调用 waitpid(-1, WNOHANG)，webserver3g',
  'No zombies after {0} connections.': '{0} 个连接之后没有僵尸进程。',
  'The handler ran once for the merged SIGCHLD, and its waitpid(-1, WNOHANG) loop reaped every exited child: no zombie is left.':
    '信号处理器为合并的 SIGCHLD 只运行了一次，它的 waitpid(-1, WNOHANG) 循环回收了每个已退出的子进程：一个僵尸进程也没留下。',
  'One run of the handler reaps every child that has exited, however many SIGCHLDs were merged into one: no zombies.':
    '信号处理器运行一次就回收所有已退出的子进程，不管有多少个 SIGCHLD 合并成了一个：没有僵尸进程。',
  'wsgi: a concurrent WSGI server, webserver3h': 'wsgi：并发的 WSGI 服务器，webserver3h',
  'Terminal {0}: the child printed the request and the response a la curl -v; the parent reaped it':
    '终端 {0}：子进程像 curl -v 那样打印出请求和响应；父进程回收了它',
  "The parent (PID {0}) accepted the connection and forked; the child read the whole request, built the environ, called the application with it and start_response, sent the response, printed both and exited. The last line is the parent's SIGCHLD handler, 3g's waitpid(-1, WNOHANG) loop, reaping it.":
    '父进程（PID {0}）接受连接并 fork；子进程读取整个请求，构建 environ，用它和 start_response 调用应用，发送响应，打印出两者后退出。最后一行是父进程的 SIGCHLD 信号处理器（3g 的 waitpid(-1, WNOHANG) 循环）在回收它。',
  'Terminal {0}: the same request, and a body POSTed to its /echo route':
    '终端 {0}：同样的请求，以及 POST 到它的 /echo 路由的请求体',
  'Terminal {0}: the POST, as the server printed it': '终端 {0}：服务器打印出的 POST',
  "Hono answered through the Fetch adapter (fromFetch): the body went in as wsgi.input, and Hono's own JSON came back. The server code is the same (dist/src/webserver3h.js); only the module:callable changed.":
    'Hono 通过 Fetch 适配器（fromFetch）响应：请求体作为 wsgi.input 传入，返回的是 Hono 自己的 JSON。服务器代码不变（dist/src/webserver3h.js）；变的只是 module:callable。',
  "Express answered through the Node (req, res) adapter (fromNode): the body went in as wsgi.input, and Express's own JSON came back. The server code is the same (dist/src/webserver3h.js); only the module:callable changed.":
    'Express 通过 Node (req, res) 适配器（fromNode）响应：请求体作为 wsgi.input 传入，返回的是 Express 自己的 JSON。服务器代码不变（dist/src/webserver3h.js）；变的只是 module:callable。',
  'Terminal {0}: what the server printed': '终端 {0}：服务器打印出的内容',
  'The child found no request line it could parse and answered {0} itself: the application never saw it. The parent (PID {1}) only accepted, forked and reaped, and is still serving.':
    '子进程找不到能解析的请求行，自己回答了 {0}：应用根本没看到它。父进程（PID {1}）只负责 accept、fork 和回收，仍在提供服务。',
  'Terminal {0}: curl telnet://localhost:{1}, typing nothing; Terminal {2}: curl http://localhost:{3}/hello':
    '终端 {0}：curl telnet://localhost:{1}，什么都不输入；终端 {2}：curl http://localhost:{3}/hello',
  "curl was answered while Terminal {0}'s connection waits for its request: it holds a child, not the server.":
    '终端 {0} 的连接还在等它的请求时，curl 就得到了响应：占住的是一个子进程，而不是服务器。',
  '{0} connections, {1} "Child N terminated" lines from the parent: no zombies.':
    '{0} 个连接，父进程打印了 {1} 行 "Child N terminated"：没有僵尸进程。',
  "Part {0}'s WSGI server, made concurrent the way the article made its own server: a child per connection, descriptors closed on both sides, and a waitpid(-1, WNOHANG) loop for SIGCHLD. It runs a plain application, a Hono one and an Express one unchanged, a bad request costs one child a {1}, and a burst of clients leaves no zombies.":
    '第 {0} 部分的 WSGI 服务器，按文章改造自己服务器的方式变成了并发的：每个连接一个子进程，两边都关闭描述符，并为 SIGCHLD 在循环中调用 waitpid(-1, WNOHANG)。它不加修改地运行一个普通应用、一个 Hono 应用和一个 Express 应用，一个坏请求只让一个子进程回答一个 {1}，一大批客户端也不会留下僵尸进程。',
  'prefork: a fixed set of children share the accept() loop, webserver-prefork':
    'prefork：固定的一组子进程共享 accept() 循环，webserver-prefork',
  'compiling and starting': '正在编译并启动',
  'Terminal {0}: its processes, before any client came': '终端 {0}：在任何客户端到来之前它的进程',
  '{0} children, forked before the first client: each inherited the listening socket (/proc/PID/fd shows it in every one) and waits in accept() on it. The parent accepts nothing: it waits for a child to die.':
    '{0} 个子进程，在第一个客户端之前就 fork 好了：每个都继承了监听 socket（每个进程的 /proc/PID/fd 里都能看到它），并在它上面的 accept() 里等待。父进程什么都不 accept：它等待子进程死去。',
  'Terminal {0}: one request at a time; which process holds each connection (/proc/PID/fd)':
    '终端 {0}：一次一个请求；哪个进程持有每个连接（/proc/PID/fd）',
  'Terminal {0}: {1} requests, {2} at a time: how many each child served':
    '终端 {0}：{1} 个请求，每次 {2} 个：每个子进程各服务了多少',
  'sending them': '发送它们',
  'The kernel handed each connection to one of the children waiting in accept(): the busiest served {0}, the least busy {1}. How even that is depends on how the children wait: Node\'s cluster module once let every worker accept like this, and balances connections itself since (round-robin in the primary) because, in its words, "distribution tends to be very unbalanced due to operating system scheduler vagaries".':
    '内核把每个连接交给在 accept() 里等待的某一个子进程：最忙的服务了 {0} 个，最闲的 {1} 个。分配得有多均匀取决于子进程如何等待：Node 的 cluster 模块曾经让每个 worker 都这样 accept，后来改为自己平衡连接（在 primary 里轮询），因为用它自己的话说，"distribution tends to be very unbalanced due to operating system scheduler vagaries"。',
  "Terminal {0}: kill a child; the parent's SIGCHLD handler reaps it, and the parent forks another":
    '终端 {0}：杀死一个子进程；父进程的 SIGCHLD 信号处理器回收它，父进程再 fork 一个',
  '{0} is gone (reaped: no zombie) and {1} took its place: {2} children again.':
    '{0} 没了（已回收：没有僵尸进程），{1} 接替了它：又是 {2} 个子进程。',
  'A pre-forked server pays for fork() once per child, not once per connection: the children share the listening socket and the kernel gives each connection to one of them; the parent only keeps their number up, reaping and replacing a child that dies.':
    '预先 fork 的服务器为每个子进程付一次 fork() 的代价，而不是每个连接一次：子进程共享监听 socket，内核把每个连接交给其中一个；父进程只负责保持它们的数量，回收并替换死掉的子进程。',
  'many-connections: one process, many connections, webserver-poll':
    'many-connections：一个进程，许多连接，webserver-poll',
  'Terminal {0}: {1} clients connect and send nothing (each a slow client)':
    '终端 {0}：{1} 个客户端连上来，什么都不发（每个都是慢客户端）',
  connecting: '正在连接',
  'One process (no child) holds {0} connections: {1} descriptors, {2} before they came, and {3} MiB resident. webserver3g would have forked {4} children, each blocked in recv() on one of them; this server waits in one poll() on all of them.':
    '一个进程（没有子进程）持有 {0} 个连接：{1} 个描述符，它们来之前是 {2} 个，常驻内存 {3} MiB。webserver3g 会 fork 出 {4} 个子进程，每个阻塞在其中一个连接的 recv() 上；这个服务器在一个 poll() 里等待所有连接。',
  'Terminal {0}: curl, while every one of them is still silent': '终端 {0}：curl，而它们全都还没出声',
  'answered in {0} ms: the slow clients block no one. In 3b, one slow client (or one sleep) made every other client wait in the listen queue (pnpm experiment sleeping).':
    '{0} 毫秒内得到响应：慢客户端挡不住任何人。在 3b 里，一个慢客户端（或一次 sleep）就让其他所有客户端在监听队列里等待（pnpm experiment sleeping）。',
  'Terminal {0}: the {1} clients send their request at last': '终端 {0}：这 {1} 个客户端终于发送了请求',
  '{0} of {1} answered, by the one process; it is back to {2} descriptors.':
    '{1} 个中有 {0} 个得到响应，都由这一个进程处理；它又回到了 {2} 个描述符。',
  'With non-blocking sockets and poll(), one process serves every connection that is ready and never waits for one that is not: no fork, no child per client, no zombies, and a slow client costs one descriptor.':
    '使用非阻塞 socket 和 poll()，一个进程服务每个就绪的连接，从不等待未就绪的连接：没有 fork，没有每客户端一个子进程，没有僵尸进程，一个慢客户端只占一个描述符。',
  "node-emfile: Node's own event loop, out of descriptors, webserver-net":
    'node-emfile：Node 自己的事件循环，描述符用尽，webserver-net',
  'Terminal {0}: {1} clients connect at once and send nothing yet': '终端 {0}：{1} 个客户端同时连上来，暂时什么都不发',
  "The server holds {0} connections; {1} of the {2} descriptor numbers the limit allows ({3}-63) are in use, and {4} clients saw their connection closed at once, without a byte. The server runs on, and printed nothing: no exception, no 'error' event. At the limit, accept() fails with EMFILE as in webserver3d, but libuv keeps one spare descriptor for this: it closes it, accepts every waiting connection and closes each at once, then opens the spare again (uv__emfile_trick); Node's server emits 'error' only when even that fails. The connections are dropped, silently.":
    "服务器持有 {0} 个连接；上限允许的 {2} 个描述符号码（{3}-63）中有 {1} 个在用，{4} 个客户端的连接被立刻关闭，一个字节也没收到。服务器继续运行，什么也没打印：没有异常，没有 'error' 事件。到达上限时，accept() 像 webserver3d 里那样以 EMFILE 失败，但 libuv 为此留着一个备用描述符：它关闭这个描述符，接受每个等待中的连接并立刻关闭，然后再把备用描述符打开（uv__emfile_trick）；只有这样也失败时，Node 的服务器才发出 'error'。连接被悄无声息地丢弃了。",
  'Terminal {0}: the clients that were kept send their request': '终端 {0}：被保留下来的客户端发送请求',
  '{0} of the {1} kept were answered.': '保留下来的 {1} 个中有 {0} 个得到了响应。',
  'Terminal {0}: once they have gone': '终端 {0}：它们走了之后',
  "No children, so no zombies and no SIGCHLD; no blocking call for a signal to interrupt, so no EINTR ({0} children now). What remains of the article's problems is the limit on descriptors: one process holds every connection, so ulimit -n is the number of clients it can hold.":
    '没有子进程，所以没有僵尸进程，也没有 SIGCHLD；没有可被信号中断的阻塞调用，所以没有 EINTR（现在有 {0} 个子进程）。文章里的问题剩下的只有描述符的上限：一个进程持有每个连接，所以 ulimit -n 就是它能持有的客户端数。',
  "Node's event loop does for you what webserver-poll does by hand. Descriptors still run out: the connections over the limit are accepted and closed, and the server carries on.":
    'Node 的事件循环替你做了 webserver-poll 手工做的事。描述符仍然会用尽：超过上限的连接被接受后关闭，服务器照常运行。',

  // Outcomes the guide's runs did not show: a learner's server (pnpm check --verbose), or a run that went wrong
  '"Hello, World!" came after {0} s, and curl ended at once: this server does not sleep after answering.':
    '{0} 秒后收到了 "Hello, World!"，curl 也立刻结束了：这个服务器响应后不休眠。',
  'answered after {0} s, and curl ended at once.': '{0} 秒后得到响应，curl 也立刻结束了。',
  'unexpected: no answer within 10 s.': '意外：10 秒内没有响应。',
  'unexpected: the second curl did not end.': '意外：第二个 curl 没有结束。',
  'unexpected: the second curl already got {0+}': '意外：第二个 curl 已经收到了 {0+}',
  'Unexpected: the second curl was answered while the first client held the server.':
    '意外：第一个客户端占着服务器时，第二个 curl 得到了响应。',
  'unexpected: curl was answered ({0+}) while the server was busy with another client.':
    '意外：服务器忙于另一个客户端时，curl 得到了响应（{0+}）。',
  'unexpected: curl was never answered.': '意外：curl 一直没有得到响应。',
  'unexpected: Terminal 2 was never answered.': '意外：终端 2 一直没有得到响应。',
  'unexpected: curl failed (exit {0}): {1+}': '意外：curl 失败（退出码 {0}）：{1+}',
  'unexpected: no answer, but curl did not end within its 10 s: the server did not close the connection.':
    '意外：没有响应，而且 curl 在它的 10 秒内没有结束：服务器没有关闭连接。',
  'unexpected: an answer after {0} s, but curl did not end within its 10 s: the server did not close the connection.':
    '意外：{0} 秒后得到响应，但 curl 在它的 10 秒内没有结束：服务器没有关闭连接。',
  'unexpected: curl got {0+} after {1} ms ({2+})': '意外：curl 在 {1} 毫秒后收到了 {0+}（{2+}）',
  'curl: answer after {0} s, ended after {1} s': 'curl：{0} 秒后得到响应，{1} 秒后结束',
  'curl: answer after {0}, ended after {1}': 'curl：得到响应：{0}，结束：{1}',
  'Terminal {0}: {1} requests (curl hangs, as in no-close: stop it with Ctrl-C)':
    '终端 {0}：{1} 个请求（curl 会挂住，和 no-close 一样：用 Ctrl-C 停掉它）',
  'unexpected: no zombie: something waited for the child.': '意外：没有僵尸进程：有什么等待了这个子进程。',
  'STAT Z: {0} zombies. The child has exited; the kernel keeps its PID and exit status until its parent waits for it, and 3d never does.':
    'STAT Z：{0} 个僵尸进程。子进程已经退出；内核保留它的 PID 和终止状态，直到父进程等待（wait）它，而 3d 从来不等。',
  'unexpected: it is gone': '意外：它不见了',
  '{0} zombie after {1} connections. The children exited at almost the same time, their SIGCHLDs merged, and each handler run reaped one child only. How many merged depends on timing: the number changes from run to run.':
    '{1} 个连接之后有 {0} 个僵尸进程。子进程几乎同时退出，它们的 SIGCHLD 合并了，而信号处理器每运行一次只回收一个子进程。合并了多少取决于时机：每次运行的数字都不一样。',
  'The parent had {0} descriptors open before the clients and has {1} now: it keeps copies of connections it should have closed.':
    '父进程在客户端来之前打开着 {0} 个描述符，现在是 {1} 个：它保留了本该关闭的连接拷贝。',
  'The handler ran once for the {0} merged exits, and its single os.wait() reaped one child: {1} is left as zombies.':
    '信号处理器为这 {0} 次合并的退出只运行了一次，它仅有的一次 os.wait() 只回收了一个子进程：剩下 {1} 个僵尸进程。',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. unexpected: {0} zombies.':
    '服务器仍在运行：SIGCHLD 中断了 accept()，循环又调用了它。意外：{0} 个僵尸进程。',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. unexpected: {0} zombie.':
    '服务器仍在运行：SIGCHLD 中断了 accept()，循环又调用了它。意外：{0} 个僵尸进程。',
  'unexpected: the server died. No zombie: the SIGCHLD handler waited for the child.':
    '意外：服务器死掉了。没有僵尸进程：SIGCHLD 信号处理器等待了这个子进程。',
  'unexpected: curl got no answer while another client was connected: the server serves one client at a time.':
    '意外：另一个客户端连着时 curl 没有得到响应：服务器一次只服务一个客户端。',
  '{0} connections, {1} "Child N terminated" lines from the parent; unexpected: {2} zombies.':
    '{0} 个连接，父进程打印了 {1} 行 "Child N terminated"；意外：{2} 个僵尸进程。',
  '{0} connections, {1} "Child N terminated" lines from the parent; unexpected: {2} zombie.':
    '{0} 个连接，父进程打印了 {1} 行 "Child N terminated"；意外：{2} 个僵尸进程。',
  '{0} clients connected and sent their request ("0"); {1} failed.':
    '{0} 个客户端连上并发送了请求（"0"）；{1} 个失败。',
  'unexpected: the server did not crash': '意外：服务器没有崩溃',
  'unexpected: the server exited without the expected error': '意外：服务器退出了，但不是因为预期的错误',
  'unexpected: the server exited with {0}': '意外：服务器以 {0} 退出',
  '{0} children, forked before the first client: each inherited the listening socket and waits in accept() on it. The parent accepts nothing: it waits for a child to die.':
    '{0} 个子进程，在第一个客户端之前就 fork 好了：每个都继承了监听 socket，并在它上面的 accept() 里等待。父进程什么都不 accept：它等待子进程死去。',
  '{0} processes (no child) holds {1} connections: {2} descriptors, {3} before they came, and {4} MiB resident. webserver3g would have forked {5} children, each blocked in recv() on one of them; this server waits in one poll() on all of them.':
    '{0} 个进程（没有子进程）持有 {1} 个连接：{2} 个描述符，它们来之前是 {3} 个，常驻内存 {4} MiB。webserver3g 会 fork 出 {5} 个子进程，每个阻塞在其中一个连接的 recv() 上；这个服务器在一个 poll() 里等待所有连接。',
  'unexpected: {0} of the {1} curls never saw the end of their connection (another process still holds a copy of it).':
    '意外：{1} 个 curl 中有 {0} 个一直没看到连接结束（另一个进程还持有它的拷贝）。',

  // pnpm check: what each stage is held to (packages/<stage>/check.ts), the fixes, and the checklist's own lines
  'answers "Hello, World!"': '回答 "Hello, World!"',
  'closes the connection after answering, so curl ends': '响应后关闭连接，于是 curl 结束',
  'prints the request': '打印请求',
  'one client at a time: a second client waits until the first is served':
    '一次一个客户端：第二个客户端要等第一个服务完',
  'serves a module:callable application': '运行一个 module:callable 应用',
  'a malformed request gets a 4xx': '畸形请求得到 4xx',
  'the parent keeps serving after a malformed request': '畸形请求之后父进程继续提供服务',
  'one client at a time': '一次一个客户端',
  'answers "Hello, World!", then sleeps before it closes the connection':
    '回答 "Hello, World!"，然后在关闭连接之前休眠',
  'a second client waits in the listen queue, and is not served meanwhile':
    '第二个客户端在监听队列里等待，期间得不到服务',
  "the second client waits out the first one's sleep": '第二个客户端要等第一个客户端的休眠结束',
  'clients are served at once, each by a child process': '客户端同时得到服务，每个由一个子进程服务',
  'the parent closes its copy of each connection': '父进程关闭它的每个连接拷贝',
  'each child closes its copy of the listening socket': '每个子进程关闭它的监听 socket 拷贝',
  'curl ends once its child has closed the connection and exited': '子进程关闭连接并退出后，curl 就结束',
  'curl prints "Hello, World!" and hangs: the parent keeps its copy of the connection':
    'curl 打印出 "Hello, World!" 后挂住：父进程保留着它的连接拷贝',
  'the exited child stays a zombie (Z, <defunct>)': '已退出的子进程一直是僵尸进程（Z，<defunct>）',
  'kill -9 does not remove it': 'kill -9 移除不了它',
  'under ulimit -n 256, client3 --max-clients=300 makes accept() fail with EMFILE':
    '在 ulimit -n 256 下，client3 --max-clients=300 让 accept() 以 EMFILE 失败',
  'zombies use up the process limit: fork() fails with EAGAIN': '僵尸进程耗尽进程数上限：fork() 以 EAGAIN 失败',
  'the SIGCHLD handler runs and waits for the child': 'SIGCHLD 信号处理器运行并等待子进程',
  'then accept() fails with EINTR, and the server dies': '然后 accept() 以 EINTR 失败，服务器死掉',
  'survives the SIGCHLD of its first child (accept() restarted after EINTR)':
    '挺过第一个子进程的 SIGCHLD（EINTR 之后重新启动 accept()）',
  'its handler waits for the child: no zombie after one request': '它的信号处理器等待子进程：一个请求之后没有僵尸进程',
  'zombies are left when children exit together: signals are not queued': '子进程一起退出时留下僵尸进程：信号不排队',
  'curl ends once answered: the parent closes its copy of the connection':
    '一得到响应 curl 就结束：父进程关闭它的连接拷贝',
  'no zombies after client3 --max-clients 128': 'client3 --max-clients 128 之后没有僵尸进程',
  'no zombies when 10 children exit together': '10 个子进程一起退出时没有僵尸进程',
  "the parent's descriptor count stays flat": '父进程的描述符数保持不变',
  'serves clients concurrently': '并发地服务客户端',
  'no zombies after client3 --max-clients 64': 'client3 --max-clients 64 之后没有僵尸进程',
  'holds every idle connection in one process, with no child': '在一个进程里持有每个空闲连接，没有子进程',
  'answers "Hello, World!" at once while they are all silent': '在它们全都沉默时立刻回答 "Hello, World!"',
  'answers each of them once it sends its request, and closes them': '每个连接发来请求后都回答它，并关闭它们',
  'forks its children before the first client, each holding the listening socket':
    '在第一个客户端之前 fork 好子进程，每个都持有监听 socket',
  'the children forked at start serve every connection, more than one of them':
    '启动时 fork 的子进程服务每个连接，而且不止一个子进程在服务',
  'a killed child is reaped and replaced, and the server answers': '被杀死的子进程被回收并替换，服务器继续响应',
  'one process: no children': '一个进程：没有子进程',
  'survives running out of descriptors (ulimit -n 64, 100 clients at once) and answers again':
    '挺过描述符用尽（ulimit -n 64，同时 100 个客户端），并再次响应',
  'answers the connections it kept': '回答它保留下来的连接',
  "3d keeps the parent's copy of each connection: remove 3c's close() of it in the parent":
    '3d 保留父进程的每个连接拷贝：去掉 3c 在父进程里对它的 close()',
  "3f's handler calls wait() once per signal (3g is the one that loops)":
    '3f 的信号处理器每个信号只调用一次 wait()（在循环中调用的是 3g）',
  "answer each connection's request when its data arrives, then end it": '每个连接的数据到达时回答它的请求，然后结束它',
  "close the child's copy of the listening socket after fork()": 'fork() 之后关闭子进程的监听 socket 拷贝',
  "close the parent's copy of each connection after fork()": 'fork() 之后关闭父进程的每个连接拷贝',
  "close the parent's copy of the client connection after fork()": 'fork() 之后关闭父进程的客户端连接拷贝',
  "handle accept()'s EMFILE (Node: a server 'error' listener) instead of dying of it":
    "处理 accept() 的 EMFILE（Node：服务器的 'error' 监听器），而不是因它而死",
  "serve every connection in the one process, on node:net's 'connection' events: no fork":
    "在这一个进程里、在 node:net 的 'connection' 事件上服务每个连接：不 fork",
  '3d waits for no child: no SIGCHLD handler, no wait()': '3d 不等待任何子进程：没有 SIGCHLD 信号处理器，没有 wait()',
  'a zombie is removed only when its parent waits for it: 3d waits for no child':
    '只有父进程等待（wait）僵尸进程时它才会被移除：3d 不等待任何子进程',
  'answer 400 Bad Request when the request line does not parse, instead of failing':
    '请求行无法解析时回答 400 Bad Request，而不是失败',
  'close the client connection once the response is sent': '响应发送完就关闭客户端连接',
  'every copy of the connection must be closed for the client to see its end':
    '连接的每个拷贝都关闭后，客户端才能看到它的结束',
  'fork the children at start, after listen(), so that each inherits the listening socket':
    '在启动时、listen() 之后 fork 子进程，让每个都继承监听 socket',
  'fork the children once, before the first client, and let each loop on accept()':
    '在第一个客户端之前 fork 一次子进程，让每个循环调用 accept()',
  'fork() after accept(), as 3g does': '在 accept() 之后 fork()，像 3g 那样',
  'fork() after accept(): the child handles the request and sleeps, the parent accepts again':
    '在 accept() 之后 fork()：子进程处理请求并休眠，父进程再次 accept',
  'handle each request in a child, or catch what a bad request raises, so the server goes on':
    '在子进程里处理每个请求，或者捕获坏请求引发的异常，让服务器继续运行',
  'handle one connection to its end (the sleep included) before accepting the next':
    '把一个连接处理到底（包括休眠）之后再接受下一个',
  'import the module:callable given on the command line and send what it returns':
    '导入命令行上给出的 module:callable，并发送它返回的内容',
  'in the SIGCHLD handler reap with waitpid(-1, WNOHANG), then fork a child in its place':
    '在 SIGCHLD 信号处理器里用 waitpid(-1, WNOHANG) 回收，然后 fork 一个子进程替代它',
  'install a SIGCHLD handler that calls wait()': '安装一个调用 wait() 的 SIGCHLD 信号处理器',
  'once a connection is answered, unregister it from poll() and close it':
    '一个连接得到响应后，把它从 poll() 中注销并关闭它',
  'one process only, sleeping in the request it handles: no fork, no thread':
    '只有一个进程，在它处理的请求里休眠：不 fork，不用线程',
  'one process that accepts, answers and closes a connection before it accepts the next':
    '一个进程，接受、响应并关闭一个连接之后，才接受下一个',
  'one process: accept, handle, close, then accept the next (no fork yet)':
    '一个进程：accept、处理、关闭，然后接受下一个（还没有 fork）',
  'print the request it received (and flush its output)': '打印它收到的请求（并刷新输出）',
  'register every connection with poll() in the one process instead of forking a child for it':
    '在这一个进程里把每个连接注册到 poll()，而不是为它 fork 一个子进程',
  'sleep LSBAWS_SLEEP seconds (the article: 60) after sending the answer, before closing':
    '发送响应之后、关闭之前休眠 LSBAWS_SLEEP 秒（文章里是 60）',
  'wait for every descriptor at once (poll), and recv only from one that is ready':
    '同时等待所有描述符（poll），只从就绪的那个 recv',
  'when accept() fails with EINTR, call it again (3f: catch the error and continue)':
    'accept() 以 EINTR 失败时再调用它（3f：捕获错误并 continue）',
  'send "HTTP/1.1 200 OK", an empty line and "Hello, World!" on every connection':
    '在每个连接上发送 "HTTP/1.1 200 OK"、一个空行和 "Hello, World!"',
  'send "HTTP/1.1 200 OK", an empty line and "Hello, World!"': '发送 "HTTP/1.1 200 OK"、一个空行和 "Hello, World!"',
  'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)':
    '10 秒内没有响应：服务器挂住了（它接受了连接，却什么也没回答）',
  'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop':
    '信号不排队：在循环中用 waitpid(-1, WNOHANG) 回收',
  'let the error end the server with its message (uncaught, or perror() and exit(1))':
    '让错误带着它的信息结束服务器（不捕获，或者 perror() 然后 exit(1)）',
  // pnpm check's diagnoses (scripts/experiments/framework/diagnosis.ts): each fault, its short name (before
  // the first ':', once told), what it says with what was measured, and its fix
  'no fork: the server handles each client itself': '没有 fork：服务器自己处理每个客户端',
  'no fork': '没有 fork',
  'no fork: 0 children while {0} client waited, the server handles each itself':
    '没有 fork：{0} 个客户端等待时子进程为 0 个，服务器自己处理每一个',
  'no fork: 0 children while {0} clients waited, the server handles each itself':
    '没有 fork：{0} 个客户端等待时子进程为 0 个，服务器自己处理每一个',
  'fork() after accept(): the child handles the connection, the parent accepts the next':
    '在 accept() 之后 fork()：子进程处理连接，父进程接受下一个',
  'no close in the parent: it keeps its copy of each connection': '父进程没有关闭：它保留着每个连接的拷贝',
  'no close in the parent': '父进程没有关闭',
  'no close in the child: each child keeps its copy of the listening socket':
    '子进程没有关闭：每个子进程都保留着监听 socket 的拷贝',
  'no close in the child': '子进程没有关闭',
  'no reaping at all: a zombie is left by every request': '完全不回收：每个请求都留下一个僵尸进程',
  'no reaping at all': '完全不回收',
  'install a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a loop':
    '安装一个 SIGCHLD 信号处理器，在循环中用 waitpid(-1, WNOHANG) 回收',
  'reaping once per signal: zombies are left only when children exit together':
    '每个信号只回收一次：只有子进程一起退出时才留下僵尸进程',
  'reaping once per signal': '每个信号只回收一次',
  'EINTR not restarted: it dies when SIGCHLD interrupts accept()':
    'EINTR 之后没有重新调用：SIGCHLD 中断 accept() 时它就死掉',
  'EINTR not restarted': 'EINTR 之后没有重新调用',
  'out of descriptors: it dies when accept() fails with EMFILE': '文件描述符用尽：accept() 以 EMFILE 失败时它就死掉',
  'out of descriptors': '文件描述符用尽',
  "handle accept()'s EMFILE instead of dying of it (leave or drop the connection, and go on), and close every descriptor it is done with":
    '处理 accept() 的 EMFILE，而不是因它而死（留着或丢掉这个连接，然后继续），并关闭每个用完的文件描述符',
  'out of processes: it dies when fork() fails with EAGAIN': '进程数用尽：fork() 以 EAGAIN 失败时它就死掉',
  'out of processes': '进程数用尽',
  'reap every child that has exited: zombies count against the process limit':
    '回收每个已退出的子进程：僵尸进程也计入进程数上限',
  'does not sleep: it closes the connection as soon as it has answered': '不休眠：它一响应完就关闭连接',
  'does not sleep': '不休眠',
  'its runtime restarts accept() after a signal handler itself, so this lesson cannot be seen on it':
    '它的运行时在信号处理器之后自己重新调用 accept()，所以在它上面看不到这一课',
  "not the program's doing: {0+} retries accept() after a signal handler itself, so the article's EINTR cannot happen on it":
    '不是程序造成的：{0+} 在信号处理器之后自己重试 accept()，所以文章里的 EINTR 在它上面不会发生',
  "not the program's doing: its runtime retries accept() after a signal handler itself, so the article's EINTR cannot happen on it":
    '不是程序造成的：它的运行时在信号处理器之后自己重试 accept()，所以文章里的 EINTR 在它上面不会发生',
  "not the program's doing": '不是程序造成的',
  'run it with python2, or see the lesson with pnpm experiment eintr':
    '用 python2 运行它，或者用 pnpm experiment eintr 看这一课',
  'it does not listen on the port': '它没有在端口上监听',
  'listen on the port given as PORT (or name the port it listens on with --port)':
    '在 PORT 给出的端口上监听（或者用 --port 指明它监听的端口）',
  'no "Hello, World!" in the answer': '响应里没有 "Hello, World!"',
  'the connection is not closed after the answer': '响应后连接没有关闭',
  'the request is not printed': '请求没有被打印出来',
  'more than one process: this stage serves one client at a time': '不止一个进程：这一阶段一次只服务一个客户端',
  'more than one process': '不止一个进程',
  'one process that accepts, answers and closes a connection before it accepts the next (no fork yet)':
    '一个进程，接受、响应并关闭一个连接之后，才接受下一个（还没有 fork）',
  'a second client is served while the first one sleeps': '第一个客户端休眠时，第二个客户端得到了服务',
  'the application is not served': '没有运行这个应用',
  'a malformed request gets no 4xx': '畸形请求没有得到 4xx',
  'a malformed request stops the server': '畸形请求让服务器停止了',
  'the parent closes its copy of the connection, which 3d does not': '父进程关闭了它的连接拷贝，而 3d 不这样做',
  'the server reaps its children, which 3d does not': '服务器回收了它的子进程，而 3d 不这样做',
  'the server does not run out of descriptors': '服务器没有用尽文件描述符',
  "keep the parent's copy of every connection (3d), and do not catch EMFILE":
    '保留父进程的每个连接拷贝（3d），并且不要捕获 EMFILE',
  'the server does not run out of processes': '服务器没有用尽进程数',
  'fork per connection and wait for no child (3d)': '每个连接 fork 一次，不等待任何子进程（3d）',
  'no SIGCHLD handler that waits': '没有会等待（wait）的 SIGCHLD 信号处理器',
  'it reaps every child of a merged signal, as 3g does': '它回收合并信号的每个子进程，像 3g 那样',
  'clients are not served concurrently': '客户端没有被并发地服务',
  'accept() was restarted after the signal handler (a handler installed with SA_RESTART)':
    '信号处理器之后 accept() 被重新启动了（用 SA_RESTART 安装的信号处理器）',
  "install the handler without SA_RESTART (sigaction; glibc's signal() sets it), and let EINTR end the server":
    '安装信号处理器时不要带 SA_RESTART（用 sigaction；glibc 的 signal() 会设置它），让 EINTR 结束服务器',
  'it ended with no errno in its output': '它结束了，输出里却没有 errno',
  'no children forked at start': '启动时没有 fork 子进程',
  'the children forked at start do not serve the connections': '启动时 fork 的子进程没有服务这些连接',
  'a killed child is not reaped and replaced': '被杀死的子进程没有被回收和替换',
  'not one process holding every connection': '不是由一个进程持有每个连接',
  'a silent connection blocks the others': '一个沉默的连接阻塞了其他连接',
  'connections are not all answered and closed': '连接没有全部得到响应并关闭',
  'children: not one process': '有子进程：不是一个进程',
  children: '有子进程',
  'it does not answer again after running out of descriptors': '文件描述符用尽之后它不再响应',
  'connections it kept are not answered': '它保留下来的连接没有得到响应',
  // the checklist's own words (scripts/experiments/checklist.ts, scripts/check.ts)
  above: '见上',
  'to see it': '要看到它',
  'no fault of this stage fits what was measured: no fix to offer': '本阶段没有哪个错误与测得的结果相符：无法给出修正',
  'not measured (above: why)': '没有测量（原因见上）',
  'the server starts and listens on port {0}': '服务器启动并在端口 {0} 上监听',
  'the server keeps running': '服务器持续运行',
  'the server answers': '服务器响应',
  'pnpm experiment {0} runs': 'pnpm experiment {0} 能运行',
  "{0} of {1} of the design's expectations hold": '设计的期望中有 {0} 条（共 {1} 条）成立',
  'neither a pass nor a fail: its runtime hides what {0} shows (–), so the program cannot be judged on that line here':
    '既不算通过也不算失败：它的运行时掩盖了 {0} 所展示的东西（–），所以这里无法凭那一行评判程序',
  fix: '修正',
  "{0}, the project's own": '{0}，本项目自己的',
  "{0} of {1} of the article's expectations hold": '文章的期望中有 {0} 条（共 {1} 条）成立',
  "; {0} of {1} of the project's own": '；本项目自己的期望中有 {0} 条（共 {1} 条）成立',
  'port {0}': '端口 {0}',
  "it behaves as the article's {0}": '它的行为和文章的 {0} 一致',
  "it behaves as this project's {0}": '它的行为和本项目的 {0} 一致',
  "not yet the article's {0}": '还不是文章的 {0}',
  "not yet this project's {0}": '还不是本项目的 {0}',
  "Beyond the article: the project's own expectations (counted: --strict)":
    '文章之外：本项目自己的期望（计入：--strict）',
  "Beyond the article: the project's own expectations (not counted without --strict)":
    '文章之外：本项目自己的期望（不加 --strict 不计入）',
};
