/**
 * The narration in Russian, in the terms of the Russian translation of Part 3: зомби, файловый
 * дескриптор, дублирующие дескрипторы, обработчик сигнала, родительский и дочерний процесс,
 * итеративный и параллельный сервер.
 */
import type { MessageTable } from './message-table.js';

export const ru: MessageTable = {
  'hello-world: the web server of Part {0}, webserver1': 'hello-world: веб-сервер из части {0}, webserver1',
  'Terminal {0}: start the server': 'Терминал {0}: запустите сервер',
  starting: 'запуск',
  'Terminal {0}: a request, as a browser sends it': 'Терминал {0}: запрос, как его отправляет браузер',
  'Terminal {0}: the server printed the request it read': 'Терминал {0}: сервер напечатал прочитанный запрос',
  "Terminal {0}: the article's request typed by hand (telnet localhost {1}, GET /hello HTTP, Enter)":
    'Терминал {0}: запрос из статьи, набранный вручную (telnet localhost {1}, GET /hello HTTP, Enter)',
  'The response is a status line, an empty line and the body, nothing else; and it is the same whatever the request says: this server prints what it read and never looks at it.':
    'Ответ — это строка состояния, пустая строка и тело, больше ничего; и он один и тот же, что бы ни было в запросе: этот сервер печатает прочитанное и никогда в него не смотрит.',
  'A web server: a listening socket, accept(), recv(), sendall(), close(), and again, one client after another.':
    'Веб-сервер: слушающий сокет, accept(), recv(), sendall(), close(), и снова, один клиент за другим.',
  'frameworks: the WSGI server of Part {0}, webserver2': 'frameworks: сервер WSGI из части {0}, webserver2',
  'Terminal {0}: start the server with a plain WSGI application':
    'Терминал {0}: запустите сервер с простым приложением WSGI',
  'Terminal {0}: a request': 'Терминал {0}: запрос',
  'Terminal {0}: the server printed the request and the response a la curl -v':
    'Терминал {0}: сервер напечатал запрос и ответ в духе curl -v',
  "The server read the request, built the environ, called the application with it and start_response, then sent the status line, the headers (the application's, and the server's Date, Server, Content-Length and Connection) and the body.":
    'Сервер прочитал запрос, построил environ, вызвал с ним и start_response приложение, затем отправил строку состояния, заголовки (приложения и сервера: Date, Server, Content-Length и Connection) и тело.',
  'Terminal {0}: Ctrl-C, and the same server with Hono': 'Терминал {0}: Ctrl-C, и тот же сервер с Hono',
  'Terminal {0}: Ctrl-C, and the same server with Express': 'Терминал {0}: Ctrl-C, и тот же сервер с Express',
  'Terminal {0}: a client that connects and sends nothing yet, and a second one behind it':
    'Терминал {0}: клиент, который подключается и пока ничего не отправляет, и второй за ним',
  "The second curl gets nothing: the server is in recv(), waiting for the first client's request, and the second connection waits in the listen queue.":
    'Второй curl ничего не получает: сервер в recv() ждет запроса первого клиента, а второе соединение ждет в очереди слушающего сокета.',
  'Terminal {0}: type the first request, GET /hello HTTP/{1}, and Enter twice; Terminal {2} is answered next':
    'Терминал {0}: наберите первый запрос, GET /hello HTTP/{1}, и дважды Enter; следующим получает ответ терминал {2}',
  'Once the first client had its answer, the server accepted the second one: one client at a time.':
    'Только когда первый клиент получил ответ, сервер принял второго: один клиент за раз.',
  'Terminal {0}: a request that is not HTTP': 'Терминал {0}: запрос, который не является HTTP',
  'The server answered {0} itself (Express never saw the request) and went on serving, in the same process (PID {1}).':
    'Сервер сам ответил {0} (Express этот запрос так и не увидел) и продолжил обслуживать в том же процессе (PID {1}).',
  'One WSGI server, three applications: the server does not change, only the module:callable does. It serves one client at a time; Part {0} makes it concurrent (pnpm diff {1} 3h).':
    'Один сервер WSGI, три приложения: сервер не меняется, меняется только module:callable. Он обслуживает одного клиента за раз; часть {0} делает его параллельным (pnpm diff {1} 3h).',
  'iterative: the iterative server, webserver3a': 'iterative: итеративный сервер, webserver3a',
  'Terminal {0}: send it a request': 'Терминал {0}: отправьте ему запрос',
  'curl got its answer after {0} s and ended after {1} s: the server closed the connection after sending it.':
    'curl получил ответ через {0} с и завершился через {1} с: сервер закрыл соединение, отправив ответ.',
  'Terminal {0}: the server printed the request it read from the connection':
    'Терминал {0}: сервер напечатал запрос, прочитанный из соединения',
  'One process does everything: the server (PID {0}) has {1} children.':
    'Всё делает один процесс: у сервера (PID {0}) дочерних процессов: {1}.',
  'Terminal {0}: curl telnet://localhost:{1}, and type nothing yet; Terminal {2}: curl http://localhost:{3}/hello':
    'Терминал {0}: curl telnet://localhost:{1}, пока ничего не набирайте; терминал {2}: curl http://localhost:{3}/hello',
  'curl gets nothing: the server accepted the connection of Terminal {0} and waits in recv() for its request; curl waits in the listen queue.':
    'curl ничего не получает: сервер принял соединение терминала {0} и ждет в recv() его запроса; curl ждет в очереди.',
  'Now the request in Terminal {0}:': 'Теперь запрос в терминале {0}:',
  'Terminal {0} got its answer, and only then curl: one client at a time.':
    'Сначала ответ получил терминал {0}, и только потом curl: один клиент за раз.',
  'The iterative server accepts a connection, answers, closes it, and only then accepts the next one.':
    'Итеративный сервер принимает соединение, отвечает, закрывает его и только потом принимает следующее.',
  'sleeping: one client at a time, webserver3b': 'sleeping: один клиент за раз, webserver3b',
  'Terminal {0}: start the server that sleeps after each answer':
    'Терминал {0}: запустите сервер, который спит после каждого ответа',
  'The article sleeps {0} s; LSBAWS_SLEEP={1} makes it {2} s (pnpm experiment sleeping --sleep {3} for the real thing).':
    'В статье сервер спит {0} с; LSBAWS_SLEEP={1} сокращает это до {2} с (pnpm experiment sleeping --sleep {3}, чтобы было как в статье).',
  'Terminal {0}: the first curl': 'Терминал {0}: первый curl',
  '"Hello, World!" came after {0} s, but curl does not end: the server sleeps before it closes the connection.':
    '«Hello, World!» пришел через {0} с, но curl не завершается: сервер спит, прежде чем закрыть соединение.',
  'Terminal {0}, without delay: the second curl': 'Терминал {0}, без задержки: второй curl',
  'Nothing: the second curl hangs. The server printed only the first request:':
    'Ничего: второй curl замер. Сервер напечатал только первый запрос:',
  'Meanwhile, in another terminal: pnpm observe {0} (one snapshot)':
    'Тем временем в другом терминале: pnpm observe {0} (один снимок)',
  "The server is blocked in sleep(), holding the first connection. The second one is already connected (the kernel completed it) and waits in the listening socket's queue until the server calls accept() again: that is the BACKLOG argument of listen().":
    'Сервер заблокирован в sleep() и держит первое соединение. Второе уже установлено (его завершило ядро) и ждет в очереди слушающего сокета, пока сервер снова не вызовет accept(): это и есть аргумент BACKLOG у listen().',
  'waiting for the server to wake up ({0} s after the first answer)':
    'ждем, пока сервер проснется ({0} с после первого ответа)',
  'The first curl ended {0} s after its answer, and then the second printed:':
    'Первый curl завершился через {0} с после ответа, и тогда второй напечатал:',
  'and the second curl hangs in turn for {0} s': 'а теперь второй curl в свою очередь висит {0} с',
  'The second curl ended {0} s after its answer.': 'Второй curl завершился через {0} с после ответа.',
  'An iterative server serves one client at a time: the second client is connected at once (the listen queue), but it is served only when the server has finished with the first one.':
    'Итеративный сервер обслуживает одного клиента за раз: второй клиент подключается сразу (очередь), но обслуживается, только когда сервер закончил с первым.',
  'concurrent: fork() per connection, webserver3c': 'concurrent: fork() на каждое соединение, webserver3c',
  'Terminal {0}: start the concurrent server (each child sleeps {1} s after answering; the article: {2})':
    'Терминал {0}: запустите параллельный сервер (каждый дочерний процесс спит {1} с после ответа; в статье: {2})',
  'Terminal {0}: curl': 'Терминал {0}: curl',
  'answered after {0} s; curl keeps waiting: its child sleeps {1} s before closing.':
    'ответ через {0} с; curl продолжает ждать: его дочерний процесс спит {1} с, прежде чем закрыть соединение.',
  'Terminal {0}: each request was handled by a child': 'Терминал {0}: каждый запрос обработал дочерний процесс',
  'Another terminal: the children of the server': 'Другой терминал: дочерние процессы сервера',
  "{0} children, all sleeping (S) their {1} s (the article's time.sleep({2})), each holding one client's connection.":
    'Дочерних процессов: {0}, все спят (S) свои {1} с (time.sleep({2}) в статье), и каждый держит соединение одного клиента.',
  'pnpm observe {0}: the descriptors after fork()': 'pnpm observe {0}: дескрипторы после fork()',
  "Each child got a copy of all its parent's descriptors at fork(). Then the child closed its copy of the listening socket, and the parent closed its copy of the connection: so each connection is held by one process only (reference count {0}), and the listening socket by the parent only. When the child closes its copy and exits, the kernel closes the connection.":
    'Каждый дочерний процесс при fork() получил копию всех дескрипторов родителя. Затем дочерний процесс закрыл свою копию слушающего сокета, а родительский — свою копию соединения: поэтому каждое соединение держит только один процесс (счетчик ссылок {0}), а слушающий сокет — только родительский. Когда дочерний процесс закрывает свою копию и завершается, ядро закрывает соединение.',
  'Then, once each child has slept its {0} s: it closes its copy of the connection and exits':
    'Затем, когда каждый дочерний процесс проспал свои {0} с: он закрывает свою копию соединения и завершается',
  'waiting for the curls to end': 'ждем, пока curl завершатся',
  'The {0} curls ended after {1} s, {2} s: each child closed the last descriptor of its connection, so the kernel ended it.':
    '{0} curl завершились через {1} с, {2} с: каждый дочерний процесс закрыл последний дескриптор своего соединения, и ядро его закрыло.',
  'Every curl got "Hello, World!" at once, although each child sleeps {0} s: the {1} clients are served by {2} independent processes.':
    'Каждый curl сразу получил «Hello, World!», хотя каждый дочерний процесс спит {0} с: {1} {1:клиент|клиента|клиентов} обслуживают {2} {2:независимый процесс|независимых процесса|независимых процессов}.',
  'no-close: the parent keeps its copy of every connection, webserver3d':
    'no-close: родительский процесс сохраняет копию каждого соединения, webserver3d',
  'First, slowly: connect, but do not send the request yet':
    'Сначала медленно: подключиться, но пока не отправлять запрос',
  '(like typing the request by hand in `curl telnet://localhost:{0}`: the server accepts and forks, and the child waits in recv() for the request)':
    '(как если набирать запрос вручную в `curl telnet://localhost:{0}`: сервер принимает соединение и делает fork, а дочерний процесс ждет запроса в recv())',
  "The connection (client port {0}) is open in two processes: the parent's copy, which 3d no longer closes, and the child's, inherited at fork(). Reference count {1}.":
    'Соединение (порт клиента {0}) открыто в двух процессах: копия родителя, которую 3d больше не закрывает, и копия дочернего процесса, унаследованная при fork(). Счетчик ссылок {1}.',
  'Now send the request on that connection': 'Теперь отправим запрос по этому соединению',
  'The child answered, closed its descriptor and exited (it is a zombie now). But the client never sees the end of the connection: the parent still holds it (reference count {0}), so the kernel does not close it and sends no FIN.':
    'Дочерний процесс ответил, закрыл свой дескриптор и завершился (теперь это зомби). Но клиент так и не видит конца соединения: родитель все еще держит его (счетчик ссылок {0}), поэтому ядро не закрывает его и не отправляет FIN.',
  "The article's way: curl": 'Как в статье: curl',
  'watching curl for {0} s': 'смотрим на curl {0} с',
  'curl printed "Hello, World!" after {0} s and then hung, until its --max-time of {1} s here (Ctrl-C in the article).':
    'curl напечатал «Hello, World!» через {0} с и затем завис, до своего --max-time в {1} с здесь (в статье — Ctrl-C).',
  'Terminal {0}: the server printed the number of connections it keeps':
    'Терминал {0}: сервер напечатал число соединений, которые он держит',
  'The child closed its descriptor and exited, but the connection stays open: the parent holds a copy (reference count {0}, not {1}), so the kernel sends no FIN and the client waits for ever. Close the duplicate descriptors.':
    'Дочерний процесс закрыл свой дескриптор и завершился, но соединение остается открытым: у родителя есть копия (счетчик ссылок {0}, а не {1}), поэтому ядро не отправляет FIN, и клиент ждет вечно. Закрывайте дублирующие дескрипторы.',
  'out-of-descriptors: too many open files, webserver3d':
    'out-of-descriptors: слишком много открытых файлов, webserver3d',
  'Terminal {0}: limit the server to {1} open descriptors, then start it':
    'Терминал {0}: ограничьте сервер {1} открытыми дескрипторами, затем запустите его',
  'Terminal {0}: {1} clients at once': 'Терминал {0}: {1} {1:клиент|клиента|клиентов} одновременно',
  'until the server dies': 'пока сервер не умрет',
  'until every client has finished': 'пока каждый клиент не закончит',
  'Terminal {0}: the server counted the connections it keeps, then exploded':
    'Терминал {0}: сервер считал соединения, которые держит, а затем взорвался',
  "EMFILE: the server held {0} connections, and {1} descriptors were open before the first one (stdin, stdout, stderr, the runtime's own, the listening socket): {2} in all, the limit. The next accept() had no descriptor left to give.":
    'EMFILE: сервер держал {0} {0:соединение|соединения|соединений}, и {1} {1:дескриптор|дескриптора|дескрипторов} {1:был открыт|были открыты} до первого (stdin, stdout, stderr, собственные дескрипторы среды выполнения, слушающий сокет): всего {2}, это предел. Следующему accept() не осталось дескриптора.',
  'Terminal {0}: client3': 'Терминал {0}: client3',
  '{0} clients connected and sent their request ("{1}"); {2} failed once the server was gone (refused, or reset when their connection was still waiting in the dead server\'s listen queue).':
    '{0} {0:клиент|клиента|клиентов} {0:подключился|подключились} и {0:отправил|отправили} запрос («{1}»); {2} не удалось, когда сервера уже не было (отказ, или сброс, если их соединение еще ждало в очереди мертвого сервера).',
  'A server that does not close duplicate descriptors runs out of them: accept() fails with EMFILE (Too many open files).':
    'Сервер, который не закрывает дублирующие дескрипторы, исчерпывает их: accept() завершается ошибкой EMFILE (Too many open files).',
  'zombies: children nobody waits for, webserver3d': 'zombies: дочерние процессы, которых никто не ждет, webserver3d',
  'Terminal {0}: one request (curl hangs, as in no-close: stop it with Ctrl-C)':
    'Терминал {0}: один запрос (curl зависает, как в no-close: остановите его через Ctrl-C)',
  "The server's children": 'Дочерние процессы сервера',
  'STAT Z: a zombie. The child has exited; the kernel keeps its PID and exit status until its parent waits for it, and 3d never does.':
    'STAT Z: зомби. Дочерний процесс завершился; ядро хранит его PID и статус завершения, пока родитель его не дождется, а 3d не ждет никогда.',
  'Try to kill it': 'Попробуйте его убить',
  "Still there: a zombie is already dead; there is nothing left to kill. Only a wait() by its parent (or the parent's exit) removes it.":
    'Все еще здесь: зомби уже мертв, убивать больше нечего. Убрать его может только wait() родителя (или завершение родителя).',
  'pnpm observe {0}': 'pnpm observe {0}',
  'A child that exits before its parent waits for it becomes a zombie, and you cannot kill a zombie: you have to wait for it.':
    'Дочерний процесс, который завершился раньше, чем родитель его дождался, становится зомби, а зомби нельзя убить: его нужно дождаться.',
  'out-of-processes: zombies use up the process limit, webserver3d':
    'out-of-processes: зомби исчерпывают предел числа процессов, webserver3d',
  "The article runs `ulimit -u {0}`. Two things differ here. Linux does not enforce that limit for root, so the server runs as an unprivileged user (uid {1}) with setpriv, keeping one capability, CAP_DAC_READ_SEARCH, so that it can read the checkout wherever it is (it does not lift the limit); and the limit counts every task of that user, threads included: node starts with {2} threads, and a pnpm parent would add its own, so the server runs directly with node (as the 3d README does), under a small limit: {3} threads + {4} children = {5}. The article's {6} would work the same way, only later.":
    'В статье выполняется `ulimit -u {0}`. Здесь есть два отличия. Linux не применяет этот предел к root, поэтому сервер запускается от непривилегированного пользователя (uid {1}) через setpriv, с одной оставленной возможностью CAP_DAC_READ_SEARCH, чтобы он мог читать код, где бы тот ни лежал (предел она не снимает); и предел считает каждую задачу этого пользователя, включая потоки: node запускается с {2} потоками, а родительский pnpm добавил бы свои, поэтому сервер запускается прямо через node (как в README 3d), под маленьким пределом: {3} {3:поток|потока|потоков} + {4} {4:дочерний процесс|дочерних процесса|дочерних процессов} = {5}. С {6} из статьи было бы так же, только позже.',
  'Terminal {0}: build as yourself (user {1} cannot write dist/), then start the server as user {2} with the limits':
    'Терминал {0}: соберите от своего имени (пользователь {1} не может писать в dist/), затем запустите сервер от пользователя {2} с ограничениями',
  'The server runs {0} threads (ps -o nlwp -p {1}); uid {2} now has {3} tasks of the {4} allowed.':
    'Потоков у сервера: {0} (ps -o nlwp -p {1}); у uid {2} сейчас {3} {3:задача|задачи|задач} из {4} разрешенных.',
  'until fork() fails': 'пока fork() не откажет',
  'Terminal {0}': 'Терминал {0}',
  'EAGAIN from fork(): {0} children were forked and exited, but nobody waited for them, so each stayed a zombie (up to {1} seen at once) and still counted against the limit: {2} threads + {3} zombies = {4}, the limit: the next fork() would have made one more.':
    'EAGAIN от fork(): {0} {0:дочерний процесс|дочерних процесса|дочерних процессов} {0:был создан и завершился|были созданы и завершились}, но никто их не дождался, поэтому каждый остался зомби (одновременно до {1}) и по-прежнему учитывался в пределе: {2} {2:поток|потока|потоков} + {3} зомби = {4}, это предел: следующий fork() создал бы еще один.',
  'Zombies take up process slots: a long-running server that does not wait for its children eventually cannot fork() any more (EAGAIN, Resource temporarily unavailable).':
    'Зомби занимают места процессов: долгоживущий сервер, который не дожидается своих дочерних процессов, в конце концов больше не может сделать fork() (EAGAIN, Resource temporarily unavailable — ресурс временно недоступен).',
  'eintr: a signal handler interrupts accept(), webserver3e':
    'eintr: обработчик сигнала прерывает accept(), webserver3e',
  'Answered at once; the child then sleeps {0} s (so that the parent is back in accept() when it exits), closes and exits.':
    'Ответ сразу; затем дочерний процесс спит {0} с (чтобы родитель уже вернулся в accept(), когда он завершится), закрывает соединение и завершается.',
  'watching the server': 'смотрим на сервер',
  'The child exited {0} s after answering; the kernel sent SIGCHLD. The handler ran and reaped it ("Child {1} terminated with status {2}"), then the accept() the parent was blocked in returned -1 with errno {3}, EINTR: nothing catches it, and the server stops.':
    'Дочерний процесс завершился через {0} с после ответа; ядро отправило SIGCHLD. Обработчик сигнала выполнился и собрал его («Child {1} terminated with status {2}»), затем accept(), в котором был заблокирован родитель, вернул -1 с errno {3}, EINTR: ничто его не перехватывает, и сервер останавливается.',
  "Node runs JavaScript signal handlers from its event loop, and installs them with SA_RESTART, which would restart accept() quietly; @lsbaws/posix's signal.signal() clears that flag so that the call fails as it did in the article's Python {0}. Python {1}+ retries accept() itself (PEP {2}): the original webserver3e.py no longer crashes there. See docs/node-differences.md.":
    'Node запускает обработчики сигналов JavaScript из своего цикла событий и устанавливает их с SA_RESTART, который молча перезапустил бы accept(); signal.signal() из @lsbaws/posix сбрасывает этот флаг, чтобы вызов завершался ошибкой, как в Python {0} из статьи. Python {1}+ сам повторяет accept() (PEP {2}): исходный webserver3e.py там больше не падает. См. docs/node-differences.md.',
  'When a signal handler runs while the process is blocked in a system call, the call can be interrupted and fail with EINTR: be ready to restart it.':
    'Когда обработчик сигнала выполняется, пока процесс заблокирован в системном вызове, вызов может быть прерван и завершиться ошибкой EINTR: будьте готовы перезапустить его.',
  'zombies-again: restarting accept(), and one wait() per signal, webserver3f':
    'zombies-again: перезапуск accept() и один wait() на сигнал, webserver3f',
  'Terminal {0}: one request': 'Терминал {0}: один запрос',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. No zombie: the SIGCHLD handler waited for the child.':
    'Сервер все еще работает: SIGCHLD прервал accept(), и цикл вызвал его снова. Зомби нет: обработчик SIGCHLD дождался дочернего процесса.',
  '{0} clients': '{0} {0:клиент|клиента|клиентов}',
  'until every child has exited and the server is back in accept()':
    'пока каждый дочерний процесс не завершится и сервер не вернется в accept()',
  '{0} zombies after {1} connections. The children exited at almost the same time, their SIGCHLDs merged, and each handler run reaped one child only. How many merged depends on timing: the number changes from run to run.':
    '{0} зомби после {1} {1:соединения|соединений|соединений}. Дочерние процессы завершились почти одновременно, их SIGCHLD слились, и каждый запуск обработчика собрал только один дочерний процесс. Сколько слилось, зависит от времени: число меняется от запуска к запуску.',
  'The parent has {0} descriptors open, as many as before the clients: it closed its copy of each connection.':
    'У родителя открыто {0} {0:дескриптор|дескриптора|дескрипторов}, столько же, сколько до клиентов: он закрыл свою копию каждого соединения.',
  'Now on purpose: {0} children exit while the parent cannot take signals':
    'Теперь нарочно: {0} {0:дочерний процесс|дочерних процесса|дочерних процессов} {0:завершается|завершаются}, пока родитель не может принимать сигналы',
  "First a fresh server, so that the counts below are only this part's. Terminal {0}: Ctrl-C, then again:":
    'Сначала новый сервер, чтобы счетчики ниже относились только к этой части. Терминал {0}: Ctrl-C, затем снова:',
  '{0} clients connect but do not send their request yet: the server forks {1} children that wait in recv().':
    '{0} {0:клиент|клиента|клиентов} {0:подключается|подключаются}, но пока не {0:отправляет|отправляют} запрос: сервер создает {1} {1:дочерний процесс|дочерних процесса|дочерних процессов}, которые ждут в recv().',
  'The {0} clients send their requests; the children answer and exit, and each exit sends the parent a SIGCHLD.':
    '{0} {0:клиент|клиента|клиентов} {0:отправляет|отправляют} запросы; дочерние процессы отвечают и завершаются, и каждое завершение отправляет родителю SIGCHLD.',
  '{0} children exited, {1} SIGCHLDs were sent. ShdPnd, the signals pending for the process, has one bit per signal, signal N at bit N-1 (SIGCHLD, {2}, is bit {3}: 0x10000): they are one pending signal now.':
    'Завершилось дочерних процессов: {0}, отправлено SIGCHLD: {1}. В ShdPnd, ожидающих сигналах процесса, по одному биту на сигнал, сигнал N — бит N-1 (SIGCHLD, {2}, — бит {3}: 0x10000): сейчас это один ожидающий сигнал.',
  'until the server is back in accept() and the count stays the same':
    'пока сервер не вернется в accept() и счетчик не перестанет меняться',
  'The handler ran once for the {0} merged exits, and its single os.wait() reaped one child: {1} are left as zombies.':
    'Обработчик выполнился один раз на {0} слившихся завершений, и его единственный os.wait() собрал один дочерний процесс: {1} остались зомби.',
  'Standard signals are not queued: children that exit while SIGCHLD is already pending add nothing to it. A handler that calls wait() once per signal therefore misses children, and they stay zombies.':
    'Стандартные сигналы не ставятся в очередь: дочерние процессы, завершившиеся, пока SIGCHLD уже ожидает, ничего к нему не добавляют. Поэтому обработчик, который вызывает wait() один раз на сигнал, пропускает дочерние процессы, и они остаются зомби.',
  'no-zombies: waitpid(-1, WNOHANG) in a loop, webserver3g': 'no-zombies: waitpid(-1, WNOHANG) в цикле, webserver3g',
  'No zombies after {0} connections.': 'Нет зомби после {0} {0:соединения|соединений|соединений}.',
  'The handler ran once for the merged SIGCHLD, and its waitpid(-1, WNOHANG) loop reaped every exited child: no zombie is left.':
    'Обработчик выполнился один раз на слившийся SIGCHLD, и его цикл waitpid(-1, WNOHANG) собрал каждый завершившийся дочерний процесс: не осталось ни одного зомби.',
  'One run of the handler reaps every child that has exited, however many SIGCHLDs were merged into one: no zombies.':
    'Один запуск обработчика собирает каждый завершившийся дочерний процесс, сколько бы SIGCHLD ни слилось в один: никаких зомби.',
  'wsgi: a concurrent WSGI server, webserver3h': 'wsgi: параллельный сервер WSGI, webserver3h',
  'Terminal {0}: the child printed the request and the response a la curl -v; the parent reaped it':
    'Терминал {0}: дочерний процесс напечатал запрос и ответ в духе curl -v; родитель его собрал',
  "The parent (PID {0}) accepted the connection and forked; the child read the whole request, built the environ, called the application with it and start_response, sent the response, printed both and exited. The last line is the parent's SIGCHLD handler, 3g's waitpid(-1, WNOHANG) loop, reaping it.":
    'Родитель (PID {0}) принял соединение и сделал fork; дочерний процесс прочитал весь запрос, построил environ, вызвал с ним и start_response приложение, отправил ответ, напечатал оба и завершился. Последняя строка — обработчик SIGCHLD родителя, цикл waitpid(-1, WNOHANG) из 3g, который его собирает.',
  'Terminal {0}: the same request, and a body POSTed to its /echo route':
    'Терминал {0}: тот же запрос и тело, отправленное POST на маршрут /echo',
  'Terminal {0}: the POST, as the server printed it': 'Терминал {0}: POST, как его напечатал сервер',
  "Hono answered through the Fetch adapter (fromFetch): the body went in as wsgi.input, and Hono's own JSON came back. The server code is the same (dist/src/webserver3h.js); only the module:callable changed.":
    'Hono ответил через адаптер Fetch (fromFetch): тело пошло как wsgi.input, и вернулся собственный JSON Hono. Код сервера тот же (dist/src/webserver3h.js); изменился только module:callable.',
  "Express answered through the Node (req, res) adapter (fromNode): the body went in as wsgi.input, and Express's own JSON came back. The server code is the same (dist/src/webserver3h.js); only the module:callable changed.":
    'Express ответил через адаптер Node (req, res) (fromNode): тело пошло как wsgi.input, и вернулся собственный JSON Express. Код сервера тот же (dist/src/webserver3h.js); изменился только module:callable.',
  'Terminal {0}: what the server printed': 'Терминал {0}: что напечатал сервер',
  'The child found no request line it could parse and answered {0} itself: the application never saw it. The parent (PID {1}) only accepted, forked and reaped, and is still serving.':
    'Дочерний процесс не нашел строки запроса, которую мог бы разобрать, и сам ответил {0}: приложение ее так и не увидело. Родитель (PID {1}) только принимал соединения, делал fork и собирал дочерние процессы, и он по-прежнему обслуживает.',
  'Terminal {0}: curl telnet://localhost:{1}, typing nothing; Terminal {2}: curl http://localhost:{3}/hello':
    'Терминал {0}: curl telnet://localhost:{1}, ничего не набирая; терминал {2}: curl http://localhost:{3}/hello',
  "curl was answered while Terminal {0}'s connection waits for its request: it holds a child, not the server.":
    'curl получил ответ, пока соединение терминала {0} ждет своего запроса: оно занимает дочерний процесс, а не сервер.',
  '{0} connections, {1} "Child N terminated" lines from the parent: no zombies.':
    '{0} {0:соединение|соединения|соединений}, {1} {1:строка|строки|строк} «Child N terminated» от родителя: зомби нет.',
  "Part {0}'s WSGI server, made concurrent the way the article made its own server: a child per connection, descriptors closed on both sides, and a waitpid(-1, WNOHANG) loop for SIGCHLD. It runs a plain application, a Hono one and an Express one unchanged, a bad request costs one child a {1}, and a burst of clients leaves no zombies.":
    'Сервер WSGI из части {0}, сделанный параллельным так же, как статья сделала свой сервер: дочерний процесс на соединение, дескрипторы закрыты с обеих сторон и цикл waitpid(-1, WNOHANG) для SIGCHLD. Он без изменений запускает простое приложение, приложение Hono и приложение Express, плохой запрос стоит одному дочернему процессу ответа {1}, а наплыв клиентов не оставляет зомби.',
  'prefork: a fixed set of children share the accept() loop, webserver-prefork':
    'prefork: постоянный набор дочерних процессов делит цикл accept(), webserver-prefork',
  'compiling and starting': 'компиляция и запуск',
  'Terminal {0}: its processes, before any client came': 'Терминал {0}: его процессы, до прихода клиентов',
  '{0} children, forked before the first client: each inherited the listening socket (/proc/PID/fd shows it in every one) and waits in accept() on it. The parent accepts nothing: it waits for a child to die.':
    'Дочерних процессов: {0}, созданы до первого клиента: каждый унаследовал слушающий сокет (/proc/PID/fd показывает его в каждом) и ждет на нем в accept(). Родитель ничего не принимает: он ждет смерти дочернего процесса.',
  'Terminal {0}: one request at a time; which process holds each connection (/proc/PID/fd)':
    'Терминал {0}: по одному запросу; какой процесс держит каждое соединение (/proc/PID/fd)',
  'Terminal {0}: {1} requests, {2} at a time: how many each child served':
    'Терминал {0}: {1} {1:запрос|запроса|запросов}, по {2} одновременно: сколько обслужил каждый дочерний процесс',
  'sending them': 'отправляем их',
  'The kernel handed each connection to one of the children waiting in accept(): the busiest served {0}, the least busy {1}. How even that is depends on how the children wait: Node\'s cluster module once let every worker accept like this, and balances connections itself since (round-robin in the primary) because, in its words, "distribution tends to be very unbalanced due to operating system scheduler vagaries".':
    'Ядро отдавало каждое соединение одному из дочерних процессов, ждущих в accept(): самый занятой обслужил {0}, самый свободный {1}. Насколько это равномерно, зависит от того, как ждут дочерние процессы: модуль cluster в Node когда-то позволял каждому worker принимать соединения так же, а с тех пор распределяет их сам (round-robin в primary), потому что, по его словам, "distribution tends to be very unbalanced due to operating system scheduler vagaries".',
  "Terminal {0}: kill a child; the parent's SIGCHLD handler reaps it, and the parent forks another":
    'Терминал {0}: убейте дочерний процесс; обработчик SIGCHLD родителя соберет его, а родитель создаст другой',
  '{0} is gone (reaped: no zombie) and {1} took its place: {2} children again.':
    '{0} больше нет (собран: не зомби), и его место занял {1}: снова дочерних процессов: {2}.',
  'A pre-forked server pays for fork() once per child, not once per connection: the children share the listening socket and the kernel gives each connection to one of them; the parent only keeps their number up, reaping and replacing a child that dies.':
    'Сервер с заранее созданными процессами платит за fork() один раз на дочерний процесс, а не на соединение: дочерние процессы делят слушающий сокет, и ядро отдает каждое соединение одному из них; родитель лишь поддерживает их число, собирая и заменяя умерший дочерний процесс.',
  'many-connections: one process, many connections, webserver-poll':
    'many-connections: один процесс, много соединений, webserver-poll',
  'Terminal {0}: {1} clients connect and send nothing (each a slow client)':
    'Терминал {0}: {1} {1:клиент|клиента|клиентов} {1:подключается|подключаются} и ничего не {1:отправляет|отправляют} (каждый — медленный клиент)',
  connecting: 'подключение',
  'One process (no child) holds {0} connections: {1} descriptors, {2} before they came, and {3} MiB resident. webserver3g would have forked {4} children, each blocked in recv() on one of them; this server waits in one poll() on all of them.':
    'Один процесс (без дочерних) держит {0} {0:соединение|соединения|соединений}: {1} {1:дескриптор|дескриптора|дескрипторов}, {2} до их прихода, и {3} МиБ резидентной памяти. webserver3g создал бы {4} {4:дочерний процесс|дочерних процесса|дочерних процессов}, каждый заблокированный в recv() на одном из них; этот сервер ждет в одном poll() на всех.',
  'Terminal {0}: curl, while every one of them is still silent': 'Терминал {0}: curl, пока все они еще молчат',
  'answered in {0} ms: the slow clients block no one. In 3b, one slow client (or one sleep) made every other client wait in the listen queue (pnpm experiment sleeping).':
    'ответ за {0} мс: медленные клиенты никого не блокируют. В 3b один медленный клиент (или один sleep) заставлял всех остальных клиентов ждать в очереди (pnpm experiment sleeping).',
  'Terminal {0}: the {1} clients send their request at last':
    'Терминал {0}: {1} {1:клиент|клиента|клиентов} наконец отправляют запрос',
  '{0} of {1} answered, by the one process; it is back to {2} descriptors.':
    'Ответ получили {0} из {1}, от одного процесса; у него снова {2} {2:дескриптор|дескриптора|дескрипторов}.',
  'With non-blocking sockets and poll(), one process serves every connection that is ready and never waits for one that is not: no fork, no child per client, no zombies, and a slow client costs one descriptor.':
    'С неблокирующими сокетами и poll() один процесс обслуживает каждое готовое соединение и никогда не ждет неготового: ни fork, ни дочернего процесса на клиента, ни зомби, а медленный клиент стоит одного дескриптора.',
  "node-emfile: Node's own event loop, out of descriptors, webserver-net":
    'node-emfile: собственный цикл событий Node, дескрипторы кончились, webserver-net',
  'Terminal {0}: {1} clients connect at once and send nothing yet':
    'Терминал {0}: {1} {1:клиент|клиента|клиентов} {1:подключается|подключаются} одновременно и пока ничего не {1:отправляет|отправляют}',
  "The server holds {0} connections; {1} of the {2} descriptor numbers the limit allows ({3}-63) are in use, and {4} clients saw their connection closed at once, without a byte. The server runs on, and printed nothing: no exception, no 'error' event. At the limit, accept() fails with EMFILE as in webserver3d, but libuv keeps one spare descriptor for this: it closes it, accepts every waiting connection and closes each at once, then opens the spare again (uv__emfile_trick); Node's server emits 'error' only when even that fails. The connections are dropped, silently.":
    "Сервер держит {0} {0:соединение|соединения|соединений}; занято {1} из {2} номеров дескрипторов, которые разрешает предел ({3}-63), и {4} {4:клиент|клиента|клиентов} {4:увидел|увидели}, что их соединение сразу закрыто, без единого байта. Сервер работает дальше и ничего не напечатал: ни исключения, ни события 'error'. На пределе accept() завершается ошибкой EMFILE, как в webserver3d, но libuv держит для этого один запасной дескриптор: закрывает его, принимает каждое ожидающее соединение и сразу закрывает, затем снова открывает запасной (uv__emfile_trick); сервер Node выдает 'error', только если не вышло и это. Соединения сбрасываются молча.",
  'Terminal {0}: the clients that were kept send their request': 'Терминал {0}: сохраненные клиенты отправляют запрос',
  '{0} of the {1} kept were answered.': 'Ответ получили {0} из {1} сохраненных.',
  'Terminal {0}: once they have gone': 'Терминал {0}: после их ухода',
  "No children, so no zombies and no SIGCHLD; no blocking call for a signal to interrupt, so no EINTR ({0} children now). What remains of the article's problems is the limit on descriptors: one process holds every connection, so ulimit -n is the number of clients it can hold.":
    'Нет дочерних процессов, значит нет ни зомби, ни SIGCHLD; нет блокирующего вызова, который мог бы прервать сигнал, значит нет EINTR (сейчас дочерних процессов: {0}). Из проблем статьи остается предел дескрипторов: один процесс держит каждое соединение, поэтому ulimit -n — это число клиентов, которых он может держать.',
  "Node's event loop does for you what webserver-poll does by hand. Descriptors still run out: the connections over the limit are accepted and closed, and the server carries on.":
    'Цикл событий Node делает за вас то, что webserver-poll делает вручную. Дескрипторы все равно кончаются: соединения сверх предела принимаются и закрываются, а сервер продолжает работу.',

  // Outcomes the guide's runs did not show: a learner's server (pnpm check --verbose), or a run that went wrong
  '"Hello, World!" came after {0} s, and curl ended at once: this server does not sleep after answering.':
    '«Hello, World!» пришел через {0} с, и curl сразу завершился: этот сервер не спит после ответа.',
  'answered after {0} s, and curl ended at once.': 'ответ через {0} с, и curl сразу завершился.',
  'unexpected: no answer within 10 s.': 'неожиданно: нет ответа за 10 с.',
  'unexpected: the second curl did not end.': 'неожиданно: второй curl не завершился.',
  'unexpected: the second curl already got {0+}': 'неожиданно: второй curl уже получил {0+}',
  'Unexpected: the second curl was answered while the first client held the server.':
    'Неожиданно: второй curl получил ответ, пока первый клиент занимал сервер.',
  'unexpected: curl was answered ({0+}) while the server was busy with another client.':
    'неожиданно: curl получил ответ ({0+}), пока сервер был занят другим клиентом.',
  'unexpected: curl was never answered.': 'неожиданно: curl так и не получил ответа.',
  'unexpected: Terminal 2 was never answered.': 'неожиданно: терминал 2 так и не получил ответа.',
  'unexpected: curl failed (exit {0}): {1+}': 'неожиданно: curl завершился с ошибкой (код {0}): {1+}',
  'unexpected: no answer, but curl did not end within its 10 s: the server did not close the connection.':
    'неожиданно: ответа нет, но curl не завершился за свои 10 с: сервер не закрыл соединение.',
  'unexpected: an answer after {0} s, but curl did not end within its 10 s: the server did not close the connection.':
    'неожиданно: ответ через {0} с, но curl не завершился за свои 10 с: сервер не закрыл соединение.',
  'unexpected: curl got {0+} after {1} ms ({2+})': 'неожиданно: curl получил {0+} через {1} мс ({2+})',
  'curl: answer after {0} s, ended after {1} s': 'curl: ответ через {0} с, завершился через {1} с',
  'curl: answer after {0}, ended after {1}': 'curl: ответ: {0}, завершение: {1}',
  'Terminal {0}: {1} requests (curl hangs, as in no-close: stop it with Ctrl-C)':
    'Терминал {0}: {1} {1:запрос|запроса|запросов} (curl зависает, как в no-close: остановите его через Ctrl-C)',
  'unexpected: no zombie: something waited for the child.':
    'неожиданно: зомби нет: кто-то дождался дочернего процесса.',
  'STAT Z: {0} zombies. The child has exited; the kernel keeps its PID and exit status until its parent waits for it, and 3d never does.':
    'STAT Z: {0} зомби. Дочерний процесс завершился; ядро хранит его PID и статус завершения, пока родитель его не дождется, а 3d не ждет никогда.',
  'unexpected: it is gone': 'неожиданно: его больше нет',
  '{0} zombie after {1} connections. The children exited at almost the same time, their SIGCHLDs merged, and each handler run reaped one child only. How many merged depends on timing: the number changes from run to run.':
    '{0} зомби после {1} {1:соединения|соединений|соединений}. Дочерние процессы завершились почти одновременно, их SIGCHLD слились, и каждый запуск обработчика собрал только один дочерний процесс. Сколько слилось, зависит от времени: число меняется от запуска к запуску.',
  'The parent had {0} descriptors open before the clients and has {1} now: it keeps copies of connections it should have closed.':
    'До клиентов у родителя было открыто {0} {0:дескриптор|дескриптора|дескрипторов}, сейчас {1}: он хранит копии соединений, которые должен был закрыть.',
  'The handler ran once for the {0} merged exits, and its single os.wait() reaped one child: {1} is left as zombies.':
    'Обработчик выполнился один раз на {0} слившихся завершений, и его единственный os.wait() собрал один дочерний процесс: {1} остался зомби.',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. unexpected: {0} zombies.':
    'Сервер все еще работает: SIGCHLD прервал accept(), и цикл вызвал его снова. Неожиданно: {0} зомби.',
  'The server is still running: the SIGCHLD interrupted accept(), and the loop called it again. unexpected: {0} zombie.':
    'Сервер все еще работает: SIGCHLD прервал accept(), и цикл вызвал его снова. Неожиданно: {0} зомби.',
  'unexpected: the server died. No zombie: the SIGCHLD handler waited for the child.':
    'Неожиданно: сервер умер. Зомби нет: обработчик SIGCHLD дождался дочернего процесса.',
  'unexpected: curl got no answer while another client was connected: the server serves one client at a time.':
    'неожиданно: curl не получил ответа, пока был подключен другой клиент: сервер обслуживает одного клиента за раз.',
  '{0} connections, {1} "Child N terminated" lines from the parent; unexpected: {2} zombies.':
    '{0} {0:соединение|соединения|соединений}, {1} {1:строка|строки|строк} «Child N terminated» от родителя; неожиданно: {2} зомби.',
  '{0} connections, {1} "Child N terminated" lines from the parent; unexpected: {2} zombie.':
    '{0} {0:соединение|соединения|соединений}, {1} {1:строка|строки|строк} «Child N terminated» от родителя; неожиданно: {2} зомби.',
  '{0} clients connected and sent their request ("0"); {1} failed.':
    '{0} {0:клиент|клиента|клиентов} {0:подключился|подключились} и {0:отправил|отправили} запрос («0»); {1} не удалось.',
  'unexpected: the server did not crash': 'неожиданно: сервер не упал',
  'unexpected: the server exited without the expected error': 'неожиданно: сервер завершился без ожидаемой ошибки',
  'unexpected: the server exited with {0}': 'неожиданно: сервер завершился с {0}',
  '{0} children, forked before the first client: each inherited the listening socket and waits in accept() on it. The parent accepts nothing: it waits for a child to die.':
    'Дочерних процессов: {0}, созданы до первого клиента: каждый унаследовал слушающий сокет и ждет на нем в accept(). Родитель ничего не принимает: он ждет смерти дочернего процесса.',
  '{0} processes (no child) holds {1} connections: {2} descriptors, {3} before they came, and {4} MiB resident. webserver3g would have forked {5} children, each blocked in recv() on one of them; this server waits in one poll() on all of them.':
    'Процессов (без дочерних): {0}, они держат {1} {1:соединение|соединения|соединений}: {2} {2:дескриптор|дескриптора|дескрипторов}, {3} до их прихода, и {4} МиБ резидентной памяти. webserver3g создал бы {5} {5:дочерний процесс|дочерних процесса|дочерних процессов}, каждый заблокированный в recv() на одном из них; этот сервер ждет в одном poll() на всех.',
  'unexpected: {0} of the {1} curls never saw the end of their connection (another process still holds a copy of it).':
    'неожиданно: {0} из {1} curl так и не увидели конца своего соединения (другой процесс все еще держит его копию).',

  // pnpm check: what each stage is held to (packages/<stage>/check.ts), the fixes, and the checklist's own lines
  'answers "Hello, World!"': 'отвечает «Hello, World!»',
  'closes the connection after answering, so curl ends': 'закрывает соединение после ответа, и curl завершается',
  'prints the request': 'печатает запрос',
  'one client at a time: a second client waits until the first is served':
    'один клиент за раз: второй клиент ждет, пока обслужат первого',
  'serves a module:callable application': 'обслуживает приложение module:callable',
  'a malformed request gets a 4xx': 'на некорректный запрос — 4xx',
  'the parent keeps serving after a malformed request': 'родитель продолжает обслуживать после некорректного запроса',
  'one client at a time': 'один клиент за раз',
  'answers "Hello, World!", then sleeps before it closes the connection':
    'отвечает «Hello, World!», затем спит, прежде чем закрыть соединение',
  'a second client waits in the listen queue, and is not served meanwhile':
    'второй клиент ждет в очереди и тем временем не обслуживается',
  "the second client waits out the first one's sleep": 'второй клиент пережидает сон первого',
  'clients are served at once, each by a child process':
    'клиенты обслуживаются одновременно, каждый дочерним процессом',
  'the parent closes its copy of each connection': 'родитель закрывает свою копию каждого соединения',
  'each child closes its copy of the listening socket':
    'каждый дочерний процесс закрывает свою копию слушающего сокета',
  'curl ends once its child has closed the connection and exited':
    'curl завершается, когда его дочерний процесс закрыл соединение и завершился',
  'curl prints "Hello, World!" and hangs: the parent keeps its copy of the connection':
    'curl печатает «Hello, World!» и зависает: родитель сохраняет свою копию соединения',
  'the exited child stays a zombie (Z, <defunct>)': 'завершившийся дочерний процесс остается зомби (Z, <defunct>)',
  'kill -9 does not remove it': 'kill -9 его не убирает',
  'under ulimit -n 256, client3 --max-clients=300 makes accept() fail with EMFILE':
    'под ulimit -n 256 client3 --max-clients=300 заставляет accept() завершиться ошибкой EMFILE',
  'zombies use up the process limit: fork() fails with EAGAIN':
    'зомби исчерпывают предел процессов: fork() завершается ошибкой EAGAIN',
  'the SIGCHLD handler runs and waits for the child': 'обработчик SIGCHLD выполняется и дожидается дочернего процесса',
  'then accept() fails with EINTR, and the server dies': 'затем accept() завершается ошибкой EINTR, и сервер умирает',
  'survives the SIGCHLD of its first child (accept() restarted after EINTR)':
    'переживает SIGCHLD своего первого дочернего процесса (accept() перезапускается после EINTR)',
  'its handler waits for the child: no zombie after one request':
    'его обработчик дожидается дочернего процесса: после одного запроса зомби нет',
  'zombies are left when children exit together: signals are not queued':
    'зомби остаются, когда дочерние процессы завершаются вместе: сигналы не ставятся в очередь',
  'curl ends once answered: the parent closes its copy of the connection':
    'curl завершается, как только получил ответ: родитель закрывает свою копию соединения',
  'no zombies after client3 --max-clients 128': 'нет зомби после client3 --max-clients 128',
  'no zombies when 10 children exit together': 'нет зомби, когда 10 дочерних процессов завершаются вместе',
  "the parent's descriptor count stays flat": 'число дескрипторов родителя не растет',
  'serves clients concurrently': 'обслуживает клиентов параллельно',
  'no zombies after client3 --max-clients 64': 'нет зомби после client3 --max-clients 64',
  'holds every idle connection in one process, with no child':
    'держит каждое простаивающее соединение в одном процессе, без дочерних',
  'answers "Hello, World!" at once while they are all silent': 'сразу отвечает «Hello, World!», пока все они молчат',
  'answers each of them once it sends its request, and closes them':
    'отвечает каждому, как только тот отправит запрос, и закрывает их',
  'forks its children before the first client, each holding the listening socket':
    'создает дочерние процессы до первого клиента, каждый со слушающим сокетом',
  'the children forked at start serve every connection, more than one of them':
    'дочерние процессы, созданные при старте, обслуживают каждое соединение, и не один из них',
  'a killed child is reaped and replaced, and the server answers':
    'убитый дочерний процесс собран и заменен, и сервер отвечает',
  'one process: no children': 'один процесс: без дочерних',
  'survives running out of descriptors (ulimit -n 64, 100 clients at once) and answers again':
    'переживает нехватку дескрипторов (ulimit -n 64, 100 клиентов одновременно) и снова отвечает',
  'answers the connections it kept': 'отвечает на соединения, которые сохранил',
  "3d keeps the parent's copy of each connection: remove 3c's close() of it in the parent":
    '3d сохраняет копию каждого соединения у родителя: уберите close() из 3c в родителе',
  "3f's handler calls wait() once per signal (3g is the one that loops)":
    'обработчик 3f вызывает wait() один раз на сигнал (в цикле — это 3g)',
  "answer each connection's request when its data arrives, then end it":
    'отвечайте на запрос соединения, когда приходят его данные, затем завершайте его',
  "close the child's copy of the listening socket after fork()":
    'закройте копию слушающего сокета в дочернем процессе после fork()',
  "close the parent's copy of each connection after fork()":
    'закройте копию каждого соединения в родителе после fork()',
  "close the parent's copy of the client connection after fork()":
    'закройте копию клиентского соединения в родителе после fork()',
  "handle accept()'s EMFILE (Node: a server 'error' listener) instead of dying of it":
    "обрабатывайте EMFILE от accept() (Node: слушатель 'error' у сервера), а не умирайте от него",
  "serve every connection in the one process, on node:net's 'connection' events: no fork":
    "обслуживайте каждое соединение в одном процессе, на событиях 'connection' из node:net: без fork",
  '3d waits for no child: no SIGCHLD handler, no wait()':
    '3d не ждет ни одного дочернего процесса: ни обработчика SIGCHLD, ни wait()',
  'a zombie is removed only when its parent waits for it: 3d waits for no child':
    'зомби убирается, только когда родитель его дожидается: 3d не ждет ни одного дочернего процесса',
  'answer 400 Bad Request when the request line does not parse, instead of failing':
    'отвечайте 400 Bad Request, когда строка запроса не разбирается, вместо того чтобы падать',
  'close the client connection once the response is sent':
    'закрывайте клиентское соединение, как только ответ отправлен',
  'every copy of the connection must be closed for the client to see its end':
    'чтобы клиент увидел конец соединения, должна быть закрыта каждая его копия',
  'fork the children at start, after listen(), so that each inherits the listening socket':
    'создавайте дочерние процессы при старте, после listen(), чтобы каждый унаследовал слушающий сокет',
  'fork the children once, before the first client, and let each loop on accept()':
    'создайте дочерние процессы один раз, до первого клиента, и пусть каждый крутит цикл accept()',
  'fork() after accept(), as 3g does': 'fork() после accept(), как в 3g',
  'fork() after accept(): the child handles the request and sleeps, the parent accepts again':
    'fork() после accept(): дочерний процесс обрабатывает запрос и спит, родитель снова принимает',
  'handle each request in a child, or catch what a bad request raises, so the server goes on':
    'обрабатывайте каждый запрос в дочернем процессе или перехватывайте то, что бросает плохой запрос, чтобы сервер продолжал работу',
  'handle one connection to its end (the sleep included) before accepting the next':
    'обслужите одно соединение до конца (вместе со сном), прежде чем принимать следующее',
  'import the module:callable given on the command line and send what it returns':
    'импортируйте module:callable из командной строки и отправляйте то, что оно вернуло',
  'in the SIGCHLD handler reap with waitpid(-1, WNOHANG), then fork a child in its place':
    'в обработчике SIGCHLD собирайте через waitpid(-1, WNOHANG), затем создавайте дочерний процесс на его место',
  'install a SIGCHLD handler that calls wait()': 'установите обработчик SIGCHLD, который вызывает wait()',
  'once a connection is answered, unregister it from poll() and close it':
    'когда соединение получило ответ, снимите его с регистрации в poll() и закройте',
  'one process only, sleeping in the request it handles: no fork, no thread':
    'только один процесс, спящий в обрабатываемом запросе: ни fork, ни потоков',
  'one process that accepts, answers and closes a connection before it accepts the next':
    'один процесс, который принимает, отвечает и закрывает соединение, прежде чем принять следующее',
  'one process: accept, handle, close, then accept the next (no fork yet)':
    'один процесс: accept, обработка, close, затем следующий accept (пока без fork)',
  'print the request it received (and flush its output)': 'печатайте полученный запрос (и сбрасывайте вывод)',
  'register every connection with poll() in the one process instead of forking a child for it':
    'регистрируйте каждое соединение в poll() в одном процессе вместо fork дочернего процесса для него',
  'sleep LSBAWS_SLEEP seconds (the article: 60) after sending the answer, before closing':
    'спите LSBAWS_SLEEP секунд (в статье 60) после отправки ответа, перед закрытием',
  'wait for every descriptor at once (poll), and recv only from one that is ready':
    'ждите все дескрипторы сразу (poll) и делайте recv только из готового',
  'when accept() fails with EINTR, call it again (3f: catch the error and continue)':
    'когда accept() завершается ошибкой EINTR, вызовите его снова (3f: перехватите ошибку и continue)',
  'send "HTTP/1.1 200 OK", an empty line and "Hello, World!" on every connection':
    'отправляйте "HTTP/1.1 200 OK", пустую строку и "Hello, World!" на каждое соединение',
  'send "HTTP/1.1 200 OK", an empty line and "Hello, World!"':
    'отправьте "HTTP/1.1 200 OK", пустую строку и "Hello, World!"',
  'no answer within 10 s: the server hangs (it accepted the connection, and answered nothing)':
    'нет ответа за 10 с: сервер завис (принял соединение и ничего не ответил)',
  'signals are not queued: reap with waitpid(-1, WNOHANG) in a loop':
    'сигналы не ставятся в очередь: собирайте через waitpid(-1, WNOHANG) в цикле',
  'let the error end the server with its message (uncaught, or perror() and exit(1))':
    'пусть ошибка завершит сервер со своим сообщением (не перехватывайте или perror() и exit(1))',
  // pnpm check's diagnoses (scripts/experiments/framework/diagnosis.ts): each fault, its short name (before
  // the first ':', once told), what it says with what was measured, and its fix
  'no fork: the server handles each client itself': 'нет fork: сервер сам обслуживает каждого клиента',
  'no fork': 'нет fork',
  'no fork: 0 children while {0} client waited, the server handles each itself':
    'нет fork: 0 дочерних процессов, пока {0} {0:клиент ждал|клиента ждали|клиентов ждали|клиента ждали}, сервер обслуживает каждого сам',
  'no fork: 0 children while {0} clients waited, the server handles each itself':
    'нет fork: 0 дочерних процессов, пока {0} {0:клиент ждал|клиента ждали|клиентов ждали|клиента ждали}, сервер обслуживает каждого сам',
  'fork() after accept(): the child handles the connection, the parent accepts the next':
    'fork() после accept(): дочерний процесс обрабатывает соединение, родительский процесс принимает следующее',
  'no close in the parent: it keeps its copy of each connection':
    'нет close в родительском процессе: он сохраняет свою копию каждого соединения',
  'no close in the parent': 'нет close в родительском процессе',
  'no close in the child: each child keeps its copy of the listening socket':
    'нет close в дочернем процессе: каждый дочерний процесс сохраняет свою копию слушающего сокета',
  'no close in the child': 'нет close в дочернем процессе',
  'no reaping at all: a zombie is left by every request':
    'дочерние процессы не собираются вовсе: каждый запрос оставляет процесс-зомби',
  'no reaping at all': 'дочерние процессы не собираются вовсе',
  'install a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a loop':
    'установите обработчик сигнала SIGCHLD, который собирает дочерние процессы через waitpid(-1, WNOHANG) в цикле',
  'reaping once per signal: zombies are left only when children exit together':
    'сборка один раз на сигнал: процессы-зомби остаются, только когда дочерние процессы завершаются вместе',
  'reaping once per signal': 'сборка один раз на сигнал',
  'EINTR not restarted: it dies when SIGCHLD interrupts accept()':
    'EINTR без перезапуска: он умирает, когда SIGCHLD прерывает accept()',
  'EINTR not restarted': 'EINTR без перезапуска',
  'out of descriptors: it dies when accept() fails with EMFILE':
    'файловые дескрипторы кончились: он умирает, когда accept() завершается ошибкой EMFILE',
  'out of descriptors': 'файловые дескрипторы кончились',
  "handle accept()'s EMFILE instead of dying of it (leave or drop the connection, and go on), and close every descriptor it is done with":
    'обрабатывайте EMFILE от accept(), а не умирайте от него (оставьте или сбросьте соединение и продолжайте), и закрывайте каждый файловый дескриптор, который больше не нужен',
  'out of processes: it dies when fork() fails with EAGAIN':
    'процессы кончились: он умирает, когда fork() завершается ошибкой EAGAIN',
  'out of processes': 'процессы кончились',
  'reap every child that has exited: zombies count against the process limit':
    'собирайте каждый завершившийся дочерний процесс: процессы-зомби учитываются в пределе процессов',
  'does not sleep: it closes the connection as soon as it has answered':
    'не спит: закрывает соединение, как только ответил',
  'does not sleep': 'не спит',
  'its runtime restarts accept() after a signal handler itself, so this lesson cannot be seen on it':
    'его среда выполнения сама перезапускает accept() после обработчика сигнала, поэтому этот урок на ней не увидеть',
  "not the program's doing: {0+} retries accept() after a signal handler itself, so the article's EINTR cannot happen on it":
    'дело не в программе: {0+} повторяет accept() после обработчика сигнала без ее участия, поэтому EINTR из статьи здесь не случается',
  "not the program's doing: its runtime retries accept() after a signal handler itself, so the article's EINTR cannot happen on it":
    'дело не в программе: ее среда выполнения сама повторяет accept() после обработчика сигнала, поэтому EINTR из статьи здесь не случается',
  "not the program's doing": 'дело не в программе',
  'run it with python2, or see the lesson with pnpm experiment eintr':
    'запустите его под python2 или посмотрите урок через pnpm experiment eintr',
  'it does not listen on the port': 'он не слушает порт',
  'listen on the port given as PORT (or name the port it listens on with --port)':
    'слушайте порт, заданный в PORT (или укажите через --port порт, который он слушает)',
  'no "Hello, World!" in the answer': 'в ответе нет «Hello, World!»',
  'the connection is not closed after the answer': 'соединение не закрывается после ответа',
  'the request is not printed': 'запрос не печатается',
  'more than one process: this stage serves one client at a time':
    'больше одного процесса: этот этап обслуживает одного клиента за раз',
  'more than one process': 'больше одного процесса',
  'one process that accepts, answers and closes a connection before it accepts the next (no fork yet)':
    'один процесс, который принимает, отвечает и закрывает соединение, прежде чем принять следующее (пока без fork)',
  'a second client is served while the first one sleeps': 'второй клиент обслуживается, пока первый спит',
  'the application is not served': 'приложение не обслуживается',
  'a malformed request gets no 4xx': 'на некорректный запрос нет 4xx',
  'a malformed request stops the server': 'некорректный запрос останавливает сервер',
  'the parent closes its copy of the connection, which 3d does not':
    'родительский процесс закрывает свою копию соединения, а 3d этого не делает',
  'the server reaps its children, which 3d does not': 'сервер собирает свои дочерние процессы, а 3d этого не делает',
  'the server does not run out of descriptors': 'у сервера не кончаются файловые дескрипторы',
  "keep the parent's copy of every connection (3d), and do not catch EMFILE":
    'сохраняйте копию каждого соединения в родительском процессе (3d) и не перехватывайте EMFILE',
  'the server does not run out of processes': 'у сервера не кончаются процессы',
  'fork per connection and wait for no child (3d)':
    'делайте fork на каждое соединение и не ждите ни одного дочернего процесса (3d)',
  'no SIGCHLD handler that waits': 'нет обработчика сигнала SIGCHLD, который дожидается дочернего процесса',
  'it reaps every child of a merged signal, as 3g does': 'он собирает все дочерние процессы слившихся сигналов, как 3g',
  'clients are not served concurrently': 'клиенты не обслуживаются параллельно',
  'accept() was restarted after the signal handler (a handler installed with SA_RESTART)':
    'accept() перезапущен после обработчика сигнала (обработчик установлен с SA_RESTART)',
  "install the handler without SA_RESTART (sigaction; glibc's signal() sets it), and let EINTR end the server":
    'устанавливайте обработчик без SA_RESTART (sigaction; signal() из glibc его ставит) и дайте EINTR завершить сервер',
  'it ended with no errno in its output': 'он завершился, не назвав errno в своем выводе',
  'no children forked at start': 'при старте не создано дочерних процессов',
  'the children forked at start do not serve the connections':
    'дочерние процессы, созданные при старте, не обслуживают соединения',
  'a killed child is not reaped and replaced': 'убитый дочерний процесс не собран и не заменен',
  'not one process holding every connection': 'не один процесс держит все соединения',
  'a silent connection blocks the others': 'молчащее соединение блокирует остальные',
  'connections are not all answered and closed': 'не все соединения получают ответ и закрываются',
  'children: not one process': 'дочерние процессы: не один процесс',
  children: 'дочерние процессы',
  'it does not answer again after running out of descriptors':
    'после нехватки файловых дескрипторов он больше не отвечает',
  'connections it kept are not answered': 'сохраненные им соединения не получают ответа',
  // the checklist's own words (scripts/experiments/checklist.ts, scripts/check.ts)
  above: 'см. выше',
  'to see it': 'чтобы увидеть',
  'no fault of this stage fits what was measured: no fix to offer':
    'ни одна ошибка этого этапа не подходит к измеренному: исправления предложить нельзя',
  'not measured (above: why)': 'не измерено (почему — см. выше)',
  'the server starts and listens on port {0}': 'сервер запускается и слушает порт {0}',
  'the server keeps running': 'сервер продолжает работать',
  'the server answers': 'сервер отвечает',
  'pnpm experiment {0} runs': 'pnpm experiment {0} выполняется',
  "{0} of {1} of the design's expectations hold": 'Выполняется {0} из {1} ожиданий замысла проекта',
  'neither a pass nor a fail: its runtime hides what {0} shows (–), so the program cannot be judged on that line here':
    'ни пройдено, ни провалено: его среда выполнения скрывает то, что показывает {0} (–), поэтому по этой строке программу здесь не оценить',
  fix: 'как исправить',
  "{0}, the project's own": '{0}, собственный этап проекта',
  "{0} of {1} of the article's expectations hold": 'Выполняется {0} из {1} ожиданий статьи',
  "; {0} of {1} of the project's own": '; {0} из {1} собственных ожиданий проекта',
  'port {0}': 'порт {0}',
  "it behaves as the article's {0}": 'он ведет себя как {0} из статьи',
  "it behaves as this project's {0}": 'он ведет себя как {0} этого проекта',
  "not yet the article's {0}": 'пока не {0} из статьи',
  "not yet this project's {0}": 'пока не {0} этого проекта',
  "Beyond the article: the project's own expectations (counted: --strict)":
    'За пределами статьи: собственные ожидания проекта (учитываются: --strict)',
  "Beyond the article: the project's own expectations (not counted without --strict)":
    'За пределами статьи: собственные ожидания проекта (без --strict не учитываются)',
};
