// Where obsctl talks to the Docker engine: dockerode and the docker/Compose CLI both follow
// DOCKER_HOST, so error messages name that when it is set, not the default socket.
export const engineAddress = (env: NodeJS.ProcessEnv = process.env): string => env.DOCKER_HOST || '/var/run/docker.sock';
