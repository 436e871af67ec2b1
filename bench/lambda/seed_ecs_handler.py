# The seed's reference code (shared/seeds/001, "EventBridge based Investigation": the Lambda
# function behind the stopped-ECS-task rule), copied as the benchmark's fixture: only the
# indentation, which the seed's text lost, is restored. run.py runs it under python_runtime.py.
import json
import os
import hmac
import hashlib
import base64
import urllib3
from datetime import datetime

http = urllib3.PoolManager()

WEBHOOK_URL = os.environ.get('WEBHOOK_URL')
WEBHOOK_SECRET = os.environ.get('WEBHOOK_SECRET')

if not WEBHOOK_URL or not WEBHOOK_SECRET:
    raise ValueError("WEBHOOK_URL and WEBHOOK_SECRET environment variables must be set")


def lambda_handler(event, context):
    """
    Triggered by EventBridge rule for ECS task state changes.
    Sends webhook to AWS DevOps Agent to investigate task failures.
    """
    print(f"Received event: {json.dumps(event)}")

    try:
        detail = event.get('detail', {})

        # Extract ECS task information
        task_arn = detail.get('taskArn', 'Unknown')
        cluster_arn = detail.get('clusterArn', 'Unknown')
        last_status = detail.get('lastStatus', '')
        desired_status = detail.get('desiredStatus', '')
        stopped_reason = detail.get('stoppedReason', '')

        # Extract container information
        containers = detail.get('containers', [])
        container_info = ""
        for container in containers:
            container_info += f"\n - {container.get('name', 'Unknown')}: {container.get('lastStatus', 'Unknown')}"
            if container.get('reason'):
                container_info += f" (Reason: {container.get('reason')})"

        # Build description
        description = f"ECS Task Failed\n"
        description += f"Task: {task_arn}\n"
        description += f"Cluster: {cluster_arn}\n"
        description += f"Status: {last_status}\n"
        description += f"Reason: {stopped_reason}"
        if container_info:
            description += f"\nContainers:{container_info}"

        # Create webhook payload
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

        payload_json = json.dumps(payload)
        event_timestamp = datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%S.000Z')

        # Generate HMAC signature
        signature_string = f"{event_timestamp}:{payload_json}"
        signature = hmac.new(
            WEBHOOK_SECRET.encode('utf-8'),
            signature_string.encode('utf-8'),
            hashlib.sha256
        ).digest()
        signature_b64 = base64.b64encode(signature).decode('utf-8')

        # Send webhook
        headers = {
            'Content-Type': 'application/json',
            'x-amzn-event-timestamp': event_timestamp,
            'x-amzn-event-signature': signature_b64
        }

        response = http.request(
            'POST',
            WEBHOOK_URL,
            body=payload_json,
            headers=headers
        )

        print(f"Webhook response status: {response.status}")
        print(f"Webhook response body: {response.data.decode('utf-8')}")

        if response.status in [200, 202]:
            return {
                'statusCode': 200,
                'body': json.dumps('Investigation triggered successfully')
            }
        else:
            raise Exception(f"Webhook failed with status {response.status}")

    except Exception as e:
        print(f"Error: {str(e)}")
        raise e
