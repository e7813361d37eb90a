/**
 * The {@code hf://[datasets/]owner/repo[@revision][/prefix]} backend: the Hugging Face Hub's REST
 * API over OkHttp, as {@code huggingface_hub} uses it (preupload, Git-LFS batch with basic and
 * multipart transfers, NDJSON commits, {@code resolve/} downloads with redirects to allowed hosts
 * only), plus {@link io.tensorswarm.storage.hf.HubDatasets} for training on Hub datasets.
 */
package io.tensorswarm.storage.hf;
