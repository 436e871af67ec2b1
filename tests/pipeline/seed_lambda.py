"""The payload-building logic of the seed Lambda functions (shared/seeds/001), kept
verbatim. Run as a script (the tests do) its clock is frozen so the output is reproducible;
imported (bench/compare does) it reads the real clock.
Usage: seed_lambda.py cloudwatch|ecs EVENT.json  -> prints the payload_json the Lambda sends."""
import json
import sys
from datetime import datetime


class FrozenClock:  # the Lambda's utcnow(), fixed
    FIXED = datetime(2025, 1, 1, 0, 0, 0)

    @staticmethod
    def utcnow():
        return FrozenClock.FIXED


def cloudwatch_payload(event):
    alarm_name = event.get('alarmData', {}).get('alarmName', 'Unknown')
    alarm_description = event.get('alarmData', {}).get('configuration', {}).get('description') or ''
    new_state = event.get('alarmData', {}).get('state', {}).get('value', 'ALARM')
    reason = event.get('alarmData', {}).get('state', {}).get('reason', '')
    timestamp = event.get('alarmData', {}).get('state', {}).get('timestamp', datetime.utcnow().isoformat())
    region = event.get('region', 'us-east-1')
    account_id = event.get('accountId', '')
    if new_state != 'ALARM':
        return None
    metrics = event.get('alarmData', {}).get('configuration', {}).get('metrics', [])
    metric_info = ""
    if metrics:
        metric = metrics[0].get('metricStat', {}).get('metric', {})
        metric_name = metric.get('name', '')
        namespace = metric.get('namespace', '')
        dimensions = metric.get('dimensions', {})
        metric_info = f"\nMetric: {namespace}/{metric_name}"
        if dimensions:
            metric_info += f"\nDimensions: {dimensions}"
    description = f"CloudWatch Alarm: {alarm_name}\n"
    description += f"AWS Account: {account_id}\n"
    description += f"Region: {region}\n"
    description += f"State: {new_state}\n"
    description += f"Reason: {reason}"
    if alarm_description:
        description += f"\nDescription: {alarm_description}"
    description += metric_info
    payload = {
        "eventType": "incident",
        "incidentId": f"{alarm_name}-{timestamp}",
        "action": "created",
        "priority": "HIGH",
        "title": f"CloudWatch Alarm: {alarm_name}",
        "description": description,
        "timestamp": timestamp,
        "service": alarm_name,
        "data": {
            "metadata": {
                "alarmName": alarm_name,
                "region": region,
                "accountId": account_id,
                "newState": new_state,
                "reason": reason,
                "alarmArn": event.get('alarmArn', ''),
                "metrics": metrics
            }
        }
    }
    return json.dumps(payload)


def ecs_payload(event):
    detail = event.get('detail', {})
    task_arn = detail.get('taskArn', 'Unknown')
    cluster_arn = detail.get('clusterArn', 'Unknown')
    last_status = detail.get('lastStatus', '')
    desired_status = detail.get('desiredStatus', '')
    stopped_reason = detail.get('stoppedReason', '')
    containers = detail.get('containers', [])
    container_info = ""
    for container in containers:
        container_info += f"\n - {container.get('name', 'Unknown')}: {container.get('lastStatus', 'Unknown')}"
        if container.get('reason'):
            container_info += f" (Reason: {container.get('reason')})"
    description = f"ECS Task Failed\n"
    description += f"Task: {task_arn}\n"
    description += f"Cluster: {cluster_arn}\n"
    description += f"Status: {last_status}\n"
    description += f"Reason: {stopped_reason}"
    if container_info:
        description += f"\nContainers:{container_info}"
    payload = {
        "eventType": "incident",
        "incidentId": f"{task_arn.split('/')[-1]}-{datetime.utcnow().isoformat()}",
        "action": "created",
        "priority": "HIGH",
        "title": f"ECS Task Failed: {task_arn.split('/')[-1]}",
        "description": description,
        "timestamp": datetime.utcnow().isoformat(),
        "service": cluster_arn.split('/')[-1],
        "data": {
            "metadata": {
                "taskArn": task_arn,
                "clusterArn": cluster_arn,
                "lastStatus": last_status,
                "desiredStatus": desired_status,
                "stoppedReason": stopped_reason,
                "containers": containers
            }
        }
    }
    return json.dumps(payload)


if __name__ == '__main__':
    datetime = FrozenClock
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, encoding='utf-8') as f:
        event = json.load(f)
    out = (cloudwatch_payload if kind == 'cloudwatch' else ecs_payload)(event)
    sys.stdout.write(out if out is not None else 'null')
