#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(void){int s=socket(AF_INET,SOCK_STREAM,0);struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(atoi(getenv("PORT")))};if(bind(s,(struct sockaddr*)&a,sizeof a)<0){perror("bind");return 1;}return 0;}
